//! The `[notifications]` section: per-user notifications.

use serde::Deserialize;

/// Per-user notifications: how often the consumer catches up with the event log, and how long
/// notifications are kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsConfig {
    /// Seconds between runs of the job that makes notifications from new events.
    pub update_interval_secs: u64,
    /// Seconds between runs of the job that deletes expired notifications.
    pub expire_interval_secs: u64,
    /// Days a notification is kept, read or not.
    pub retention_days: u64,
}
