//! A small sandbox on a fixed clock and sources built over it.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use switchboard_gmail::{GmailConfig, GmailSource, GmailSources};
use switchboard_ports::RetryPolicy;
use switchboard_sandbox::{RunningSandbox, Sandbox};

/// Friday 14 March 2025, 16:00 UTC.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap()
}

pub const READ: &str = "https://www.googleapis.com/auth/gmail.readonly";
pub const MODIFY: &str = "https://www.googleapis.com/auth/gmail.modify";

/// Retries at once, twice at most; waits up to 5 s are allowed.
pub fn tiny_retries() -> RetryPolicy {
    RetryPolicy { max_retries: 2, base_backoff: Duration::ZERO, max_wait: Duration::from_secs(5) }
}

pub struct Fixture {
    pub sandbox: RunningSandbox,
    pub sources: GmailSources,
    /// The demo Gmail mailbox's address.
    pub demo: String,
}

impl Fixture {
    /// A sandbox with two mailboxes of 300 messages, and a factory over its Gmail with pages
    /// of `page_size`.
    pub fn start(page_size: u32) -> Self {
        let sandbox = Sandbox::builder()
            .seed(11)
            .now(fixed_now())
            .posts_per_channel(10)
            .people(5)
            .messages_per_mailbox(300)
            .build()
            .start_local()
            .unwrap();
        let config = GmailConfig {
            retry: tiny_retries(),
            page_size,
            ..GmailConfig::new(sandbox.gmail_base_url())
        };
        let sources = GmailSources::new(config).unwrap();
        let demo = sandbox.gmail_mailboxes()[0].address.clone();
        Self { sandbox, sources, demo }
    }

    /// A source for the demo mailbox with a token carrying `scopes`.
    pub fn source(&self, scopes: &str) -> GmailSource {
        let token = self.sandbox.google_access_token(&self.demo, scopes).unwrap();
        self.sources.standalone(&token)
    }
}
