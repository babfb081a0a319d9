//! The `[chat]` section: chat providers and ingest.

use serde::Deserialize;

/// Chat sources and their sync.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatConfig {
    /// The Slack Web API base URL (without the method).
    pub slack_base_url: String,
    /// The Mattermost server used when a source is connected without `base_url`; empty:
    /// `base_url` is required.
    pub mattermost_base_url: String,
    /// How many days of history the first sync of a channel reads.
    pub backfill_days: u32,
    /// Seconds between scheduled syncs of every source.
    pub sync_interval_secs: u64,
    /// Accept provider URLs resolving to loopback, private or link-local addresses.
    pub allow_private_networks: bool,
    /// Per-request timeout towards providers, in seconds.
    pub request_timeout_secs: u64,
    /// How far before a channel's sync mark a change scan starts, in seconds.
    pub change_margin_secs: u64,
    /// Hours of a channel's latest history read again in full at each sync, to notice
    /// deletions a change scan cannot see (Slack); 0: never.
    pub reconcile_hours: u64,
    /// Channels of one source synced at once.
    pub channel_concurrency: usize,
    /// Slack: thread reads (`conversations.replies`) in flight at once per channel.
    pub thread_concurrency: usize,
}
