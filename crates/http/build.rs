//! Compiles the shipped `.proto` contract into Rust types with `protox` (pure Rust, no `protoc`).
//!
//! Messages of `switchboard.v1` also derive serde and utoipa's `ToSchema`, so one type serves
//! JSON, Protobuf and the OpenAPI document, and a new endpoint needs no glue of its own.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = "../../proto";
    println!("cargo:rerun-if-changed={root}");
    let files = [
        "switchboard/common/v1/envelope.proto",
        "switchboard/v1/meta.proto",
        "switchboard/v1/identity.proto",
        "switchboard/v1/operations.proto",
        "switchboard/v1/chat.proto",
        "switchboard/v1/stats.proto",
    ];
    let descriptors = protox::compile(files, [root])?;
    let mut config = prost_build::Config::new();
    config.enable_type_names();
    config.type_name_domain(["."], "type.googleapis.com");
    let api_derives = "#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)] \
                       #[serde(default)]";
    config.message_attribute(".switchboard.v1", api_derives);
    config.message_attribute(".switchboard.common.v1.FieldError", api_derives);
    // The original backend's list answers are bare JSON arrays; in Protobuf they need a message.
    for list in [
        ".switchboard.v1.Pulse",
        ".switchboard.v1.MostActive",
        ".switchboard.v1.HotTopics",
        ".switchboard.v1.RepresentativeMessages",
    ] {
        config.message_attribute(list, "#[serde(transparent)]");
    }
    config.compile_fds(descriptors)?;
    Ok(())
}
