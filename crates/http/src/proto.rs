//! Types generated from the `.proto` contract in `proto/` (see `build.rs`).

#![expect(missing_docs, clippy::all, reason = "generated code")]

/// `switchboard.common.v1`: the response envelope.
pub mod common {
    include!(concat!(env!("OUT_DIR"), "/switchboard.common.v1.rs"));
}

/// `switchboard.v1`: the API's messages.
pub mod v1 {
    include!(concat!(env!("OUT_DIR"), "/switchboard.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/required.rs"));
}
