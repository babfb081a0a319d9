//! The `[webhooks]` section: where webhooks may point, and how deliveries are retried.

use serde::Deserialize;

/// Webhook targets and delivery retries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Accept `http://` webhook URLs (local development, the sandbox, tests); otherwise https
    /// only.
    pub allow_http: bool,
    /// Accept webhook URLs resolving to loopback, private or link-local addresses, and send to
    /// them.
    pub allow_private_networks: bool,
    /// Seconds between runs of the dispatch job, which turns new events into deliveries.
    pub dispatch_interval_secs: u64,
    /// Seconds before retrying a delivery's first failure; the wait doubles with each further
    /// failure.
    pub retry_base_secs: u64,
    /// The longest wait between two attempts of a delivery, in seconds.
    pub retry_max_secs: u64,
    /// Seconds after it was recorded a failing delivery is retried; then it is dead.
    pub retry_window_secs: u64,
    /// Seconds a webhook's deliveries may keep failing before it is disabled.
    pub disable_after_secs: u64,
    /// Seconds one POST to a receiver may take.
    pub request_timeout_secs: u64,
}
