//! Metrics of the calls adapters make to a provider, through the `metrics` facade (a no-op
//! until the binary installs a recorder): one count per HTTP attempt by operation and outcome,
//! 429s and retries included, and its latency. Every provider adapter records the same series,
//! labelled with its provider.
//!
//! ```
//! use switchboard_ports::provider_calls::{ProviderCalls, outcome};
//!
//! const CALLS: ProviderCalls = ProviderCalls::new("slack");
//! let attempts = CALLS.attempts();
//! let started = attempts.start("conversations.history");
//! CALLS.record("conversations.history", outcome(429), started);
//! let retried = attempts.start("conversations.history"); // counted as a retry
//! CALLS.record("conversations.history", outcome(200), retried);
//! assert_eq!(outcome(503), "server_error");
//! ```

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

/// The calls to one provider (`slack`, `mattermost`, `microsoft`, `google`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderCalls {
    provider: &'static str,
}

impl ProviderCalls {
    /// The calls to `provider`.
    pub const fn new(provider: &'static str) -> Self {
        Self { provider }
    }

    /// A counter of the attempts of one call.
    pub fn attempts(self) -> Attempts {
        Attempts { provider: self.provider, started: AtomicU32::new(0) }
    }

    /// Records one attempt of `operation` (a bounded name, never an id) begun at `started`.
    pub fn record(self, operation: &str, outcome: &'static str, started: Instant) {
        metrics::counter!(
            "switchboard_provider_requests_total",
            "provider" => self.provider,
            "operation" => operation.to_owned(),
            "outcome" => outcome,
        )
        .increment(1);
        metrics::histogram!(
            "switchboard_provider_request_duration_seconds",
            "provider" => self.provider,
            "operation" => operation.to_owned(),
        )
        .record(started.elapsed().as_secs_f64());
    }
}

/// Counts the attempts of one call; each one after the first is a retry.
#[derive(Debug)]
pub struct Attempts {
    provider: &'static str,
    started: AtomicU32,
}

impl Attempts {
    /// Starts an attempt of `operation`; when it is not the first, counts a retry. Returns when
    /// it started, for [`ProviderCalls::record`].
    pub fn start(&self, operation: &str) -> Instant {
        if self.started.fetch_add(1, Ordering::Relaxed) > 0 {
            metrics::counter!(
                "switchboard_provider_retries_total",
                "provider" => self.provider,
                "operation" => operation.to_owned(),
            )
            .increment(1);
        }
        Instant::now()
    }
}

/// The outcome label of an HTTP status.
pub fn outcome(status: u16) -> &'static str {
    match status {
        429 => "rate_limited",
        200..=399 => "ok",
        400..=499 => "client_error",
        _ => "server_error",
    }
}
