//! The chat jobs: one source's sync, and the recurring job that enqueues them all.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};
use switchboard_domain::chat_sources::SourceId;
use switchboard_ports::Ports;

use super::ChatService;
use crate::jobs::{BackgroundJob, JobError};

/// Syncs one source: a backfill of the channels never synced, change scans of the others.
/// At most one waits per source. A revoked token marks the source `reauth_required` and the
/// job succeeds (no retries); an unreachable provider fails the attempt, which is retried with
/// backoff; a rate limit fails it too, and the next attempt waits the provider's `Retry-After`
/// instead. What a failed attempt stored is kept: finished channels, and the pages of a
/// backfill cut short, which the next attempt resumes after.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct ChatSyncJob<P> {
    /// The source.
    pub source_id: SourceId,
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for ChatSyncJob<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatSyncJob").field("source_id", &self.source_id).finish()
    }
}

impl<P> ChatSyncJob<P> {
    /// The sync of `source_id`.
    pub fn new(source_id: SourceId) -> Self {
        Self { source_id, ports: PhantomData }
    }
}

impl<P: Ports> BackgroundJob for ChatSyncJob<P> {
    const JOB_TYPE: &'static str = "chat.sync";
    const MAX_ATTEMPTS: u32 = 8;
    type Context = ChatService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some(self.source_id.to_string())
    }

    async fn run(&self, chat: &ChatService<P>) -> Result<(), JobError> {
        chat.sync(self.source_id).await.map(drop).map_err(|e| {
            let error = JobError::new(e.to_string());
            match e.retry_after() {
                Some(wait) => error.retry_after(wait),
                None => error,
            }
        })
    }
}

/// Enqueues a sync of every source that can sync (run on a schedule).
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct ChatSyncAllJob<P> {
    #[serde(skip)]
    ports: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for ChatSyncAllJob<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChatSyncAllJob")
    }
}

impl<P> Default for ChatSyncAllJob<P> {
    fn default() -> Self {
        Self { ports: PhantomData }
    }
}

impl<P: Ports> BackgroundJob for ChatSyncAllJob<P> {
    const JOB_TYPE: &'static str = "chat.sync_all";
    type Context = ChatService<P>;

    fn dedupe_key(&self) -> Option<String> {
        Some("all".to_owned())
    }

    async fn run(&self, chat: &ChatService<P>) -> Result<(), JobError> {
        chat.enqueue_syncs().await.map(drop).map_err(|e| JobError::new(e.to_string()))
    }
}
