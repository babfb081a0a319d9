//! The `[stats]` section: channel analytics.

use serde::Deserialize;

/// Channel analytics: how often stored statistics are brought up to date, and what a
/// computation may read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsConfig {
    /// Seconds between runs of the update job (recompute channels that received posts, then
    /// windows that moved on).
    pub update_interval_secs: u64,
    /// Stored statistics older than this many seconds are recomputed when read; the update job
    /// recomputes those older than half of it.
    pub max_age_secs: u64,
    /// Posts of a window analysed at most (its latest).
    pub max_window_posts: usize,
    /// Posts of the history before the window read at most for hot topics.
    pub max_history_posts: usize,
    /// Computations at once per process; 0: one per core.
    pub max_concurrent: usize,
    /// Channel pulses kept in memory per process (about 4 KiB each), served again while the
    /// channel has no new posts and the hour is the same, and as many mail pulses, served
    /// again while the account's hourly counts and the window are the same; 0 keeps none.
    pub pulse_cache_entries: usize,
    /// Mail thread summaries kept in memory per process (a few KiB each), served again while
    /// the thread's messages are unchanged without reading the stored one; 0 keeps none.
    pub summary_cache_entries: usize,
}
