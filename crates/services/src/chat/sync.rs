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

use chrono::{DateTime, Utc};
use switchboard_domain::NewEvent;
use switchboard_domain::chat::{ChatPost, HistoryScope, PageCursor};
use switchboard_domain::chat_sources::{Channel, Source, SourceId, SourceStatus};
use switchboard_ports::{
    ChatError, ChatSource, ChatSourceFactory, ChatStore, Clock, Ports, SealedSecretStore,
    SecretBox, StoreError, Transaction, UnitOfWork,
};

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

/// What reading one history request did.
struct Pass {
    /// Rows written.
    written: u64,
    /// The latest creation or edit time listed.
    mark: Option<DateTime<Utc>>,
    /// For a backfill, every post id listed.
    seen: Option<Vec<String>>,
    /// The provider truncated its change list.
    truncated: bool,
}

/// Why a sync stopped early.
enum Stop {
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

fn mark_of(post: &ChatPost) -> DateTime<Utc> {
    post.edited_at.map_or(post.posted_at, |edited| edited.max(post.posted_at))
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
                    if !new.is_empty() {
                        tx.insert_chat_channels(&new).await?;
                        let owner = Some(snapshot.owner_id);
                        let events = new.iter().map(|c| {
                            NewEvent::added("chat_channel", c.id.to_string(), c.snapshot())
                                .owned_by(owner)
                        });
                        tx.append_events(events.collect()).await?;
                    }
                    tx.chat_channels_of_source(id).await
                })
            })
            .await?;
        let followed: Vec<Channel> = channels.into_iter().filter(|c| c.followed).collect();
        let backfills = followed.iter().filter(|c| c.synced_until.is_none()).count();
        // Progress: followed channels whose first backfill is done, of all followed ones.
        source.backfill_total = count(followed.len());
        source.backfill_done = count(followed.len() - backfills);
        self.save_progress(source).await?;
        let mut names = HashMap::new();
        let mut written = 0;
        for channel in followed {
            let backfill = channel.synced_until.is_none();
            match self.sync_channel(client, channel, &mut names).await {
                Ok(n) => written += n,
                // Left or deleted since discovery: skip it.
                Err(Stop::Provider(ChatError::NotFound { .. })) => {}
                Err(e) => return Err(e),
            }
            if backfill {
                source.backfill_done = source.backfill_done.saturating_add(1);
                self.save_progress(source).await?;
            }
        }
        Ok(written)
    }

    async fn save_progress(&self, source: &Source) -> Result<(), StoreError> {
        let (id, done, total) = (source.id, source.backfill_done, source.backfill_total);
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

    /// One channel: a backfill the first time (or when the provider truncated its change
    /// list), else a change scan and a full read of the latest `reconcile_window`; returns
    /// the rows written.
    async fn sync_channel(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        mut channel: Channel,
        names: &mut HashMap<String, Option<String>>,
    ) -> Result<u64, Stop> {
        let days = chrono::Duration::days(i64::from(self.policy.backfill_days));
        let window = self.clock.now() - days;
        let margin = chrono::Duration::from_std(self.policy.change_margin).unwrap_or_default();
        let recent = chrono::Duration::from_std(self.policy.reconcile_window).unwrap_or_default();
        let backfill = HistoryScope::Backfill { oldest: Some(window) };
        let (pass, from) = match channel.synced_until {
            None => (self.read(client, &channel, backfill, names).await?, window),
            Some(mark) => {
                let since = HistoryScope::Changes { since: mark - margin };
                let changes = self.read(client, &channel, since, names).await?;
                if changes.truncated {
                    (self.read(client, &channel, backfill, names).await?, window)
                } else if recent > chrono::Duration::zero() {
                    let latest = changes.mark.map_or(mark, |m| m.max(mark));
                    let from = latest - recent;
                    let scope = HistoryScope::Backfill { oldest: Some(from) };
                    let mut pass = self.read(client, &channel, scope, names).await?;
                    pass.written += changes.written;
                    pass.mark = pass.mark.max(changes.mark);
                    (pass, from)
                } else {
                    let from = mark;
                    (Pass { seen: None, ..changes }, from)
                }
            }
        };
        // An empty channel's mark is the window's start, so it is scanned for changes next.
        let mark = pass.mark.max(channel.synced_until).or(Some(window));
        channel.synced_until = mark;
        let (id, seen) = (channel.id, pass.seen);
        let retired = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let retired = match seen {
                        Some(seen) => tx.retire_chat_posts(id, Some(from), &seen).await?,
                        None => 0,
                    };
                    // Deleted or unfollowed meanwhile: keep the stored flag, move the mark.
                    if let Some(mut stored) = tx.chat_channel(id).await? {
                        stored.synced_until = mark;
                        tx.update_chat_channel(&stored).await?;
                    }
                    Ok::<_, StoreError>(retired)
                })
            })
            .await?;
        Ok(pass.written + retired)
    }

    /// Every page of one history request, stored as they come. A change scan the provider
    /// truncated stops at once (`truncated`); a backfill also returns the ids it listed.
    async fn read(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        channel: &Channel,
        scope: HistoryScope,
        names: &mut HashMap<String, Option<String>>,
    ) -> Result<Pass, Stop> {
        let backfill = matches!(scope, HistoryScope::Backfill { .. });
        let mut pass =
            Pass { written: 0, mark: None, seen: backfill.then(Vec::new), truncated: false };
        let mut cursor: Option<PageCursor> = None;
        loop {
            let page = client.history(&channel.external_id, scope, cursor.as_ref()).await?;
            if page.truncated && !backfill {
                pass.truncated = true;
                return Ok(pass);
            }
            let mut posts = page.posts;
            self.resolve_names(client, &mut posts, names).await?;
            if let Some(seen) = pass.seen.as_mut() {
                seen.extend(posts.iter().map(|p| p.id.clone()));
            }
            pass.mark = posts.iter().map(mark_of).chain(pass.mark).max();
            pass.written += self.store_page(channel, posts).await?;
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(pass),
            }
        }
    }

    /// Upserts one page and records that the channel received posts.
    async fn store_page(&self, channel: &Channel, posts: Vec<ChatPost>) -> Result<u64, Stop> {
        if posts.is_empty() {
            return Ok(0);
        }
        let (id, owner) = (channel.id, channel.owner_id);
        let written = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    if tx.chat_channel(id).await?.is_none() {
                        return Ok(0);
                    }
                    let written = tx.upsert_chat_posts(id, &posts).await?;
                    if written > 0 {
                        let event = NewEvent::changed(
                            "chat_channel",
                            id.to_string(),
                            "posts",
                            serde_json::Value::Null,
                            written,
                        )
                        .owned_by(Some(owner));
                        tx.append_events(vec![event]).await?;
                    }
                    Ok::<_, StoreError>(written)
                })
            })
            .await?;
        Ok(written)
    }

    /// Fills in the authors' names the provider did not give with the posts, asking it once
    /// per unknown author per sync.
    async fn resolve_names(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        posts: &mut [ChatPost],
        names: &mut HashMap<String, Option<String>>,
    ) -> Result<(), ChatError> {
        let mut missing: Vec<String> = posts
            .iter()
            .filter(|p| p.author_name.is_none() && !p.author_id.is_empty())
            .filter(|p| !names.contains_key(&p.author_id))
            .map(|p| p.author_id.clone())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            for user in client.users(&missing).await? {
                names.insert(user.id, Some(user.display_name));
            }
            for id in missing {
                names.entry(id).or_insert(None);
            }
        }
        for post in posts.iter_mut().filter(|p| p.author_name.is_none()) {
            post.author_name = names.get(&post.author_id).cloned().flatten();
        }
        Ok(())
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
