//! A small sandbox on a fixed clock and sources built over it.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use switchboard_graph::{GraphConfig, GraphSource, GraphSources};
use switchboard_ports::RetryPolicy;
use switchboard_sandbox::{RunningSandbox, Sandbox};

/// Friday 14 March 2025, 16:00 UTC.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap()
}

pub const READ: &str = "User.Read Mail.Read";

/// Retries at once (the sandbox throttles with `Retry-After: 0`), twice at most.
pub fn tiny_retries() -> RetryPolicy {
    RetryPolicy { max_retries: 2, base_backoff: Duration::ZERO, max_wait: Duration::from_secs(1) }
}

/// A sandbox with two mailboxes (and little chat data), serving on a port of its own. Two of
/// them sign with the same key (the seed's) under different issuers (their addresses).
pub fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .seed(11)
        .now(fixed_now())
        .posts_per_channel(10)
        .people(5)
        .messages_per_mailbox(300)
        .build()
        .start_local()
        .unwrap()
}

pub struct Fixture {
    pub sandbox: RunningSandbox,
    pub sources: GraphSources,
    /// The demo mailbox's address.
    pub demo: String,
}

impl Fixture {
    /// A [`sandbox`], and a factory over its Graph with pages of `page_size`.
    pub fn start(page_size: u32) -> Self {
        // As the binary does: one rustls provider chosen before any client is built.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let sandbox = sandbox();
        let config = GraphConfig {
            retry: tiny_retries(),
            page_size,
            ..GraphConfig::new(sandbox.graph_base_url())
        };
        let sources = GraphSources::new(config).unwrap();
        let demo = sandbox.mailboxes()[0].address.clone();
        Self { sandbox, sources, demo }
    }

    /// A source for `mailbox` with a token carrying `scopes`.
    pub fn source_for(&self, mailbox: &str, scopes: &str) -> GraphSource {
        self.sources.standalone(&self.sandbox.microsoft_access_token(mailbox, scopes).unwrap())
    }

    /// A source for the demo mailbox.
    pub fn source(&self, scopes: &str) -> GraphSource {
        self.source_for(&self.demo, scopes)
    }
}
