//! The two rustls crypto providers (ring through graph-rs-sdk's reqwest 0.12, aws-lc-rs
//! through the workspace's reqwest 0.13) are both compiled into this test: building a client
//! for Graph's https endpoint must not panic, with no process default yet (nextest runs each
//! test in a process of its own) or after the binary's choice is installed.

use switchboard_graph::{GraphConfig, GraphSources};

#[test]
fn a_client_for_graph_builds_with_two_providers_compiled_in() {
    let graph = || GraphSources::new(GraphConfig::new(GraphConfig::DEFAULT_BASE_URL)).unwrap();
    graph().standalone("t");
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    graph().standalone("t");
}
