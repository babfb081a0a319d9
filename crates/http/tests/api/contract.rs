//! The shipped `.proto` files are the contract: a Protobuf answer decodes with descriptors
//! compiled from them at test time, not with the Rust types the server uses.

use actix_web::test::{self, TestRequest};
use prost_reflect::{DescriptorPool, DynamicMessage, Value};

use crate::support::app;

pub fn shipped_contract() -> DescriptorPool {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../proto");
    let mut compiler = protox::Compiler::new([root]).unwrap();
    compiler.include_imports(true);
    compiler
        .open_files([
            "switchboard/common/v1/envelope.proto",
            "switchboard/v1/meta.proto",
            "switchboard/v1/identity.proto",
            "switchboard/v1/operations.proto",
            "switchboard/v1/chat.proto",
            "switchboard/v1/stats.proto",
            "switchboard/v1/mail.proto",
            "switchboard/v1/webhooks.proto",
            "switchboard/v1/stream.proto",
        ])
        .unwrap();
    compiler.descriptor_pool()
}

#[actix_web::test]
async fn version_decodes_with_the_shipped_proto() {
    let pool = shipped_contract();
    let app = app().await;
    let req =
        TestRequest::get().uri("/version").insert_header(("Accept", "application/x-protobuf"));
    let bytes = test::read_body(test::call_service(&app, req.to_request()).await).await;

    let envelope_desc = pool.get_message_by_name("switchboard.common.v1.Envelope").unwrap();
    let envelope = DynamicMessage::decode(envelope_desc, bytes).unwrap();
    let status = envelope.get_field_by_name("status").unwrap().as_enum_number().unwrap();
    let status_enum = pool.get_enum_by_name("switchboard.common.v1.Status").unwrap();
    assert_eq!(status_enum.get_value(status).unwrap().name(), "STATUS_SUCCESS");
    assert_eq!(envelope.get_field_by_name("message").unwrap().as_str(), Some("ok"));

    let any = envelope.get_field_by_name("data").unwrap();
    let any = any.as_message().unwrap();
    let type_url = any.get_field_by_name("type_url").unwrap();
    let type_url = type_url.as_str().unwrap();
    let message_name = type_url.strip_prefix("type.googleapis.com/").unwrap();
    assert_eq!(message_name, "switchboard.v1.VersionInfo");

    let value = any.get_field_by_name("value").unwrap();
    let Value::Bytes(value) = value.as_ref() else { panic!("Any.value is bytes") };
    let info =
        DynamicMessage::decode(pool.get_message_by_name(message_name).unwrap(), value.clone())
            .unwrap();
    assert_eq!(info.get_field_by_name("name").unwrap().as_str(), Some("switchboard"));
    assert_eq!(info.get_field_by_name("version").unwrap().as_str(), Some("9.9.9"));
    assert_eq!(info.get_field_by_name("git_commit").unwrap().as_str(), Some("abc123"));
}

#[actix_web::test]
async fn json_field_names_match_the_proto_field_names() {
    let pool = shipped_contract();
    let app = app().await;
    for (path, message) in [
        ("/version", "switchboard.v1.VersionInfo"),
        ("/healthz", "switchboard.v1.Liveness"),
        ("/readyz", "switchboard.v1.Readiness"),
    ] {
        let res = test::call_service(&app, TestRequest::get().uri(path).to_request()).await;
        let body: serde_json::Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
        let mut json_fields: Vec<String> =
            body["data"].as_object().unwrap().keys().cloned().collect();
        let mut proto_fields: Vec<String> = pool
            .get_message_by_name(message)
            .unwrap()
            .fields()
            .map(|f| f.name().to_owned())
            .collect();
        json_fields.sort();
        proto_fields.sort();
        assert_eq!(json_fields, proto_fields, "{path}");
    }
}
