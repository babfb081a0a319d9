//! The Graph adapter against the sandbox's fake Microsoft Graph, over HTTP through
//! graph-rs-sdk.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod headers;
mod identity;
mod limits;
mod reading;
mod sandbox_world;
mod support;
mod sync;
mod tls;
mod writing;
