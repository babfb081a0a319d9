//! Background jobs: their states and the retry policy.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Where a job is in its life. A job that succeeds is removed from the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for its first run.
    Queued,
    /// Claimed by a worker, under a lease the worker renews.
    Running,
    /// Failed at least once; waiting for its next attempt.
    Failed,
    /// Failed its last attempt: kept, with its last error, until an operator retries or
    /// deletes it.
    Dead,
}

impl JobState {
    /// Every state, in life order.
    pub const ALL: [JobState; 4] =
        [JobState::Queued, JobState::Running, JobState::Failed, JobState::Dead];

    /// The state's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Failed => "failed",
            JobState::Dead => "dead",
        }
    }
}

impl std::str::FromStr for JobState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("unknown job state {s:?}"))
    }
}

/// Exponential backoff with full jitter between attempts.
///
/// The delay after attempt `n` (1-based) is drawn uniformly from `[base·2^(n-1) / 2,
/// base·2^(n-1)]`, capped at `max`: retries spread out instead of stampeding a provider that
/// just failed, and never wait less than half the nominal delay.
///
/// ```
/// use std::time::Duration;
/// use switchboard_domain::Backoff;
///
/// let backoff = Backoff { base: Duration::from_secs(1), max: Duration::from_secs(60) };
/// assert_eq!(backoff.delay(1, 1.0), Duration::from_secs(1));
/// assert_eq!(backoff.delay(3, 1.0), Duration::from_secs(4));
/// assert_eq!(backoff.delay(3, 0.0), Duration::from_secs(2));
/// assert_eq!(backoff.delay(30, 1.0), Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The nominal delay after the first failure.
    pub base: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Backoff {
    /// The delay after `attempt` failed, with `jitter` in `[0, 1]` (a random draw).
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let nominal = self.base.saturating_mul(1u32 << exponent).min(self.max);
        nominal.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_secs(2), max: Duration::from_secs(3600) }
    }
}
