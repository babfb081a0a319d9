//! Syncing a source: discover its channels, then for each followed channel a backfill (first
//! time) or a change scan, pages written in batches as they arrive.
//!
//! Idempotence: posts are upserted by (channel, provider id), so a page read twice writes
//! nothing new. A channel's sync mark (`synced_until`, the latest creation or edit time seen)
//! moves only once all its pages are stored, so a sync cut short starts that channel again.
//! A complete backfill lists every live post of its window: stored posts of the window it
//! did not list are marked deleted. A change scan the provider truncated is replaced by a
//! backfill.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use futures_util::future;
use futures_util::stream::{self, StreamExt};
use tokio::sync::watch;

use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId, SourceStatus};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    ChatError, ChatSource, ChatSourceFactory, ChatStore, Clock, Ports, SealedSecretStore,
    SecretBox, StoreError, Transaction, UnitOfWork,
};

use super::pages::Names;
use super::sources::channel_from;
use super::{ChatService, ChatServiceError};

/// How a sync ended, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Every followed channel is up to date; this many posts were written.
    Synced {
        /// Rows inserted or changed.
        written: u64,
    },
    /// The provider refused the token: the source is now `reauth_required`.
    ReauthRequired,
    /// The source was deleted, or waits for a new token: nothing to do.
    Skipped,
}

/// Why a sync stopped early.
pub(super) enum Stop {
    Provider(ChatError),
    Service(ChatServiceError),
}

impl From<ChatServiceError> for Stop {
    fn from(e: ChatServiceError) -> Self {
        Self::Service(e)
    }
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Self::Service(e.into())
    }
}

impl From<ChatError> for Stop {
    fn from(e: ChatError) -> Self {
        Self::Provider(e)
    }
}

impl<P: Ports> ChatService<P> {
    /// Syncs one source (what the sync job runs).
    ///
    /// # Errors
    /// A provider failure other than a refused token (rate limit, unreachable), recorded on
    /// the source as its last error, or a store failure: the job retries later.
    pub async fn sync(&self, id: SourceId) -> Result<SyncOutcome, ChatServiceError> {
        let Some((mut source, token)) = self.begin(id).await? else {
            return Ok(SyncOutcome::Skipped);
        };
        let client = match self.sources.source(source.provider, &source.base_url, &token) {
            Ok(client) => client,
            Err(e) => return self.finish(&source, Err(Stop::Provider(e))).await,
        };
        let result = self.run(&client, &mut source).await;
        self.finish(&source, result).await
    }

    /// Marks the source syncing and opens its token; `None` when there is nothing to do.
    async fn begin(&self, id: SourceId) -> Result<Option<(Source, String)>, ChatServiceError> {
        let found = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let Some(mut source) = tx.chat_source(id).await? else { return Ok(None) };
                    if source.status == SourceStatus::ReauthRequired {
                        return Ok(None);
                    }
                    let sealed = tx.sealed(source.token_secret_id).await?;
                    let sealed = sealed.ok_or_else(|| {
                        StoreError::Other(format!("chat source {id} has no token"))
                    })?;
                    set_status(tx, &mut source, SourceStatus::Syncing).await?;
                    Ok::<_, ChatServiceError>(Some((source, sealed)))
                })
            })
            .await?;
        let Some((source, sealed)) = found else { return Ok(None) };
        let token = self.secrets.open(&sealed.ciphertext, sealed.id.as_bytes())?;
        let token = String::from_utf8(token)
            .map_err(|_| StoreError::Other(format!("chat source {id}: token is not text")))?;
        Ok(Some((source, token)))
    }

    /// Records how the sync ended on the source.
    async fn finish(
        &self,
        source: &Source,
        result: Result<u64, Stop>,
    ) -> Result<SyncOutcome, ChatServiceError> {
        let (status, error, outcome) = match result {
            Ok(written) => (SourceStatus::Active, None, Ok(SyncOutcome::Synced { written })),
            Err(Stop::Provider(e)) if e.needs_reauth() => {
                (SourceStatus::ReauthRequired, Some(e.to_string()), Ok(SyncOutcome::ReauthRequired))
            }
            Err(Stop::Provider(e)) => {
                (SourceStatus::Error, Some(e.to_string()), Err(ChatServiceError::Provider(e)))
            }
            Err(Stop::Service(e)) => {
                // Shown to the user: the detail stays in the job's error, for operators.
                (SourceStatus::Error, Some("internal error while syncing".to_owned()), Err(e))
            }
        };
        let now = self.clock.now();
        let mut source = source.clone();
        let saved = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    // Deleted while syncing: nothing to record.
                    let Some(stored) = tx.chat_source(source.id).await? else { return Ok(()) };
                    source.status = stored.status;
                    if status == SourceStatus::Active {
                        source.last_sync_at = Some(now);
                    }
                    source.last_error = error;
                    set_status(tx, &mut source, status).await
                })
            })
            .await;
        saved.map_err(ChatServiceError::Store)?;
        outcome
    }

    /// Discovers channels, then syncs each followed one; returns the rows written.
    async fn run(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        source: &mut Source,
    ) -> Result<u64, Stop> {
        let found = client.channels().await?;
        if source.team_id.is_empty() && source.provider == ChatProvider::Slack {
            // Connected before the team was recorded: the channels name it.
            source.team_id =
                found.iter().map(|c| c.team_id.clone()).find(|t| !t.is_empty()).unwrap_or_default();
        }
        // A channel that became unreadable is tried again once the provider lists it again.
        let listed: HashSet<String> = found.iter().map(|c| c.id.clone()).collect();
        let now = self.clock.now();
        let (id, snapshot) = (source.id, source.clone());
        let channels = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let known = tx.chat_channels_of_source(id).await?;
                    let ids: HashSet<&str> = known.iter().map(|c| c.external_id.as_str()).collect();
                    let new: Vec<Channel> = found
                        .iter()
                        .filter(|c| !ids.contains(c.id.as_str()))
                        .map(|c| channel_from(&snapshot, c, now))
                        .collect();
                    let owner = Some(snapshot.owner_id);
                    let mut events: Vec<NewEvent> = new
                        .iter()
                        .map(|c| {
                            NewEvent::added(Channel::EVENT_MODEL, c.id.to_string(), c.snapshot())
                                .owned_by(owner)
                        })
                        .collect();
                    if !new.is_empty() {
                        tx.insert_chat_channels(&new).await?;
                    }
                    // A channel renamed at the provider takes its new name.
                    let names: HashMap<&str, &str> =
                        found.iter().map(|c| (c.id.as_str(), c.name.as_str())).collect();
                    for channel in &known {
                        let Some(&name) = names.get(channel.external_id.as_str()) else {
                            continue;
                        };
                        if name.trim().is_empty() || name == channel.name {
                            continue;
                        }
                        tx.rename_chat_channel(channel.id, name).await?;
                        events.push(
                            NewEvent::changed(
                                Channel::EVENT_MODEL,
                                channel.id.to_string(),
                                "name",
                                channel.name.as_str(),
                                name,
                            )
                            .owned_by(owner),
                        );
                    }
                    if !events.is_empty() {
                        tx.append_events(events).await?;
                    }
                    tx.chat_channels_of_source(id).await
                })
            })
            .await?;
        let followed: Vec<Channel> = channels
            .into_iter()
            .filter(|c| !c.sync_skipped(listed.contains(&c.external_id)))
            .collect();
        let backfills = followed.iter().filter(|c| c.synced_until.is_none()).count();
        // Progress: followed channels whose first backfill is done, of all followed ones.
        source.backfill_total = count(followed.len());
        source.backfill_done = count(followed.len() - backfills);
        self.save_progress(source.id, source.backfill_done, source.backfill_total).await?;
        let names = Names::default();
        // Set at the first failure: channels not started yet are left for the retry, those
        // in flight finish (their pages and marks are kept).
        let stopping = AtomicBool::new(false);
        let owner = source.owner_id;
        let syncs = followed.into_iter().map(|channel| {
            let (names, stopping, listed) = (&names, &stopping, &listed);
            async move {
                let backfill = channel.synced_until.is_none();
                if stopping.load(Ordering::Relaxed) {
                    return (false, Ok(0));
                }
                let (id, unreadable_since) = (channel.id, channel.unreadable_since);
                let is_listed = listed.contains(&channel.external_id);
                let synced = self.sync_channel(client, channel, names).await;
                let readable = match &synced {
                    Ok(_) => true,
                    // Refused and not listed to the user: left, removed or deleted. (Refused
                    // but listed: it, or one of its threads, went away during this sync; the
                    // next listing tells.)
                    Err(Stop::Provider(ChatError::NotFound { .. })) if !is_listed => false,
                    Err(_) => return (backfill, synced),
                };
                if readable == unreadable_since.is_none() {
                    return (backfill, synced);
                }
                let since = (!readable).then(|| self.clock.now());
                let marked = self.mark_unreadable(id, owner, unreadable_since, since).await;
                (backfill, marked.map_err(Stop::from).and(synced))
            }
        });
        // The channel syncs in flight hold store connections (a page's transaction) and
        // provider requests between their polls. They must be polled all along: awaiting
        // anything else between two items of the stream (such as a progress save, which
        // waits for a store connection) would leave them suspended, holding connections the
        // save waits for (a deadlock with a small pool) or letting their request timeouts
        // run out. So the progress is handed to a writer polled alongside, which saves the
        // latest count whenever it changes.
        let (progress, mut changes) = watch::channel(source.backfill_done);
        let stopping = &stopping;
        let consume = async move {
            let mut syncs =
                stream::iter(syncs).buffer_unordered(self.policy.channel_concurrency.max(1));
            let (mut written, mut failure) = (0, None);
            while let Some((backfill, result)) = syncs.next().await {
                match result {
                    Ok(n) => written += n,
                    // Unreadable now, and marked so: the others go on.
                    Err(Stop::Provider(ChatError::NotFound { .. })) => {}
                    Err(e) => {
                        stopping.store(true, Ordering::Relaxed);
                        failure.get_or_insert(e);
                        continue;
                    }
                }
                if backfill {
                    progress.send_modify(|done| *done = done.saturating_add(1));
                }
            }
            // Dropping `progress` ends the writer once it has saved the last count.
            let done = *progress.borrow();
            (written, failure, done)
        };
        let (id, total) = (source.id, source.backfill_total);
        let record = async move {
            let mut saved = Ok(());
            while changes.changed().await.is_ok() {
                let done = *changes.borrow_and_update();
                if saved.is_ok() {
                    saved = self.save_progress(id, done, total).await;
                    if saved.is_err() {
                        stopping.store(true, Ordering::Relaxed);
                    }
                }
            }
            saved
        };
        let ((written, failure, done), saved) = future::join(consume, record).await;
        source.backfill_done = done;
        if let Some(failure) = failure {
            return Err(failure);
        }
        saved?;
        Ok(written)
    }

    /// Saves since when a channel is unreadable (`None`: readable again) with an event.
    async fn mark_unreadable(
        &self,
        id: ChannelId,
        owner: UserId,
        old: Option<DateTime<Utc>>,
        since: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let time = |at: Option<DateTime<Utc>>| serde_json::json!(at.map(|t| t.to_rfc3339()));
        let event = NewEvent::changed(
            Channel::EVENT_MODEL,
            id.to_string(),
            Channel::UNREADABLE_ATTRIBUTE,
            time(old),
            time(since),
        )
        .owned_by(Some(owner));
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    match tx.set_chat_channel_unreadable(id, since).await {
                        // Deleted with its source meanwhile: nothing to mark.
                        Err(StoreError::NotFound) => return Ok(()),
                        other => other?,
                    }
                    tx.append_events(vec![event]).await
                })
            })
            .await
    }

    async fn save_progress(&self, id: SourceId, done: u32, total: u32) -> Result<(), StoreError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    if let Some(mut stored) = tx.chat_source(id).await? {
                        stored.backfill_done = done;
                        stored.backfill_total = total;
                        tx.update_chat_source(&stored).await?;
                    }
                    Ok(())
                })
            })
            .await
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Sets the source's status, saving it with an event when it changes (and saving the rest of
/// the source either way).
pub(super) async fn set_status<T: ChatStore + Transaction>(
    tx: &mut T,
    source: &mut Source,
    status: SourceStatus,
) -> Result<(), StoreError> {
    let old = source.status;
    source.status = status;
    tx.update_chat_source(source).await?;
    if old != status {
        let event = NewEvent::changed(
            "chat_source",
            source.id.to_string(),
            "status",
            old.as_str(),
            status.as_str(),
        )
        .owned_by(Some(source.owner_id));
        tx.append_events(vec![event]).await?;
    }
    Ok(())
}
