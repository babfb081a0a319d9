//! Metrics of the calls to the provider: one count per HTTP attempt by operation and outcome
//! (429s and retries included) and its latency, through the `metrics` facade.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

const PROVIDER: &str = "google";

/// Counts the attempts of one call; each one after the first is a retry.
#[derive(Debug, Default)]
pub(crate) struct Attempts(AtomicU32);

impl Attempts {
    /// Starts an attempt of `operation` (a bounded name, never an id).
    pub(crate) fn start(&self, operation: &str) -> Instant {
        if self.0.fetch_add(1, Ordering::Relaxed) > 0 {
            metrics::counter!(
                "switchboard_provider_retries_total",
                "provider" => PROVIDER,
                "operation" => operation.to_owned(),
            )
            .increment(1);
        }
        Instant::now()
    }
}

/// The outcome label of an HTTP status.
pub(crate) fn outcome(status: u16) -> &'static str {
    match status {
        429 => "rate_limited",
        200..=399 => "ok",
        400..=499 => "client_error",
        _ => "server_error",
    }
}

/// Records one attempt of `operation` begun at `started`.
pub(crate) fn record(operation: &str, outcome: &'static str, started: Instant) {
    metrics::counter!(
        "switchboard_provider_requests_total",
        "provider" => PROVIDER,
        "operation" => operation.to_owned(),
        "outcome" => outcome,
    )
    .increment(1);
    metrics::histogram!(
        "switchboard_provider_request_duration_seconds",
        "provider" => PROVIDER,
        "operation" => operation.to_owned(),
    )
    .record(started.elapsed().as_secs_f64());
}
