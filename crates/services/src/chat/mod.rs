//! Chat sources: connecting a Slack workspace or a Mattermost server with a token, the
//! channels found through it, and ingesting their posts in background jobs (a backfill of
//! `backfill_days`, then change scans).

mod channel_sync;
mod channels;
mod deliveries;
mod error;
mod jobs;
mod kept;
mod listing;
pub mod network;
mod oauth;
mod pages;
mod posts;
mod sources;
mod sync;

use std::sync::Arc;
use std::time::Duration;

pub use channels::{ChannelUpdate, SourceUpdate};
pub use deliveries::DeliveryOutcome;
pub use error::ChatServiceError;
pub use jobs::{ChatSyncAllJob, ChatSyncJob};
pub use oauth::{OAuthCallback, OAuthStarted, SlackOAuthPolicy};
pub use sources::{ConnectSource, Connected};
use switchboard_ports::Ports;
pub use sync::SyncOutcome;

/// Chat settings, from configuration.
#[derive(Debug, Clone)]
pub struct ChatPolicy {
    /// How far back the first sync of a channel reads.
    pub backfill_days: u32,
    /// Accept provider URLs that resolve to loopback, private or link-local addresses (tests,
    /// development, the sandbox).
    pub allow_private_networks: bool,
    /// How far before a channel's sync mark a change scan starts, for changes stamped out of
    /// order by the provider.
    pub change_margin: Duration,
    /// After a change scan, the latest part of a channel's history that is read again in
    /// full, to notice what the change list missed. Zero: never. Sources without a change
    /// list (Slack) list the whole backfill window instead.
    pub reconcile_window: Duration,
    /// Channels of one source synced at once (at least 1). Each reads its pages in order,
    /// writing one page while fetching the next.
    pub channel_concurrency: usize,
    /// Threads of a channel read at once when a listing shows they changed (at least 1).
    pub thread_concurrency: usize,
    /// Memory, in bytes, for the pages of posts (and the posts with their threads) kept and
    /// served again while their channel's posts are unchanged (0: none kept).
    pub page_cache_bytes: u64,
}

impl Default for ChatPolicy {
    fn default() -> Self {
        Self {
            backfill_days: 30,
            allow_private_networks: false,
            change_margin: Duration::from_secs(300),
            reconcile_window: Duration::from_secs(24 * 3600),
            channel_concurrency: 4,
            thread_concurrency: 4,
            page_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Connects, lists and deletes chat sources, lists and follows their channels, and syncs them.
pub struct ChatService<P: Ports> {
    uow: P::Uow,
    clock: P::Clock,
    secrets: P::Secrets,
    sources: P::ChatSources,
    policy: ChatPolicy,
    slack_oauth: Option<SlackOAuthPolicy>,
    /// The pages of posts and the posts with their threads served lately, shared by every
    /// clone.
    kept: Option<Arc<kept::Reads>>,
}

impl<P: Ports> std::fmt::Debug for ChatService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatService").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports> Clone for ChatService<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            secrets: self.secrets.clone(),
            sources: self.sources.clone(),
            policy: self.policy.clone(),
            slack_oauth: self.slack_oauth.clone(),
            kept: self.kept.clone(),
        }
    }
}

impl<P: Ports> ChatService<P> {
    /// The service over its adapters and policy.
    pub fn new(
        uow: P::Uow,
        clock: P::Clock,
        secrets: P::Secrets,
        sources: P::ChatSources,
        policy: ChatPolicy,
    ) -> Self {
        let kept = kept::Reads::new(policy.page_cache_bytes).map(Arc::new);
        Self { uow, clock, secrets, sources, policy, slack_oauth: None, kept }
    }

    /// The same service (its kept pages and posts) reaching the store through `uow`: each
    /// server worker reads through its own connections while what the service keeps stays one
    /// for the process.
    #[must_use]
    pub fn with_uow(&self, uow: P::Uow) -> Self {
        Self { uow, ..self.clone() }
    }
}
