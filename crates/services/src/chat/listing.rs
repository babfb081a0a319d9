//! A channel's scan when its provider keeps no change list (Slack): the top-level history of
//! the whole backfill window listed at every sync, and the threads whose summary (reply
//! count, latest reply) differs from the replies stored read again.
//!
//! What it finds: new and edited top-level posts (the upsert writes only what differs), the
//! top-level posts of the window no longer listed (deleted), and in each thread with a reply
//! added or deleted, every new, edited or deleted reply. What it cannot find: an edit of a
//! reply in a thread that changed in no other way, since nothing in the listing shows it;
//! Slack's Events API reports those. Its cost: one request per page of up to 999 top-level
//! posts, plus one per thread that changed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use switchboard_domain::NewEvent;
use switchboard_domain::chat::{ChatPost, HistoryScope, PageCursor, ThreadSummary};
use switchboard_domain::chat_sources::Channel;
use switchboard_ports::{
    ChatError, ChatSource, ChatSourceFactory, ChatStore, Ports, StoreError, Transaction, UnitOfWork,
};

use super::ChatService;
use super::pages::{Names, Pass, mark_of};
use super::sync::Stop;

/// A thread read again: its root and every reply it lists now.
struct ThreadRead {
    root: String,
    replies: Vec<ChatPost>,
}

impl<P: Ports> ChatService<P> {
    /// Lists the channel's top-level posts since `window`, reads the threads that changed,
    /// stores each page with its threads, then retires the posts of the window written before
    /// `began` that were not listed. Authors are named for the posts created or edited after
    /// `fresh_after` only: the others were named when stored, and the upsert keeps that name.
    pub(super) async fn scan_listing(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        channel: &Channel,
        window: DateTime<Utc>,
        began: DateTime<Utc>,
        fresh_after: DateTime<Utc>,
        names: &Names,
    ) -> Result<Pass, Stop> {
        let scope = HistoryScope::Listing { oldest: Some(window) };
        let mut pass = Pass { written: 0, mark: None, seen: None, before: None, truncated: false };
        let mut listed: Vec<String> = Vec::new();
        let mut cursor: Option<PageCursor> = None;
        loop {
            let page = client.history(&channel.external_id, scope, cursor.as_ref()).await?;
            let changed = self.changed_threads(channel, &page.posts, page.threads).await?;
            let reads = changed.into_iter().map(|root| async move {
                match client.thread(&channel.external_id, &root).await {
                    Ok(replies) => Ok(Some(ThreadRead { root, replies })),
                    // Deleted with its last reply since the listing: the next one says so.
                    Err(ChatError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            });
            let threads: Vec<Option<ThreadRead>> = stream::iter(reads)
                .buffered(self.policy.thread_concurrency.max(1))
                .try_collect()
                .await?;
            let threads: Vec<ThreadRead> = threads.into_iter().flatten().collect();
            let mut posts = page.posts;
            listed.extend(posts.iter().map(|p| p.id.clone()));
            for thread in &threads {
                posts.extend(thread.replies.iter().cloned());
            }
            let (mut fresh, known): (Vec<ChatPost>, Vec<ChatPost>) =
                posts.into_iter().partition(|p| mark_of(p) > fresh_after);
            self.resolve_names(client, &mut fresh, names).await?;
            fresh.extend(known);
            let posts = fresh;
            pass.mark = posts.iter().map(mark_of).chain(pass.mark).max();
            pass.written += self.store_listed(channel, posts, threads, began).await?;
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        pass.written += self.retire_unlisted(channel, window, began, listed).await?;
        Ok(pass)
    }

    /// The listed top-level posts whose thread summary (none: no replies) differs from
    /// their stored replies: a reply was added or deleted since they were read.
    async fn changed_threads(
        &self,
        channel: &Channel,
        listed: &[ChatPost],
        threads: Vec<ThreadSummary>,
    ) -> Result<Vec<String>, Stop> {
        let roots: Vec<String> =
            listed.iter().filter(|p| p.thread_root.is_none()).map(|p| p.id.clone()).collect();
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let id = channel.id;
        let asked = roots.clone();
        let stored = self
            .uow
            .read(move |tx| Box::pin(async move { tx.chat_thread_summaries(id, &asked).await }))
            .await?;
        let summary = |t: &ThreadSummary| (t.replies, t.latest_reply);
        let stored: HashMap<String, (u64, Option<DateTime<Utc>>)> =
            stored.iter().map(|t| (t.root.clone(), summary(t))).collect();
        let listed: HashMap<String, (u64, Option<DateTime<Utc>>)> =
            threads.iter().map(|t| (t.root.clone(), summary(t))).collect();
        let none = (0, None);
        Ok(roots
            .into_iter()
            .filter(|root| listed.get(root).unwrap_or(&none) != stored.get(root).unwrap_or(&none))
            .collect())
    }

    /// Upserts a listed page and the threads read with it, retiring their replies written
    /// before `began` no longer listed, in one transaction with one `changed` event.
    async fn store_listed(
        &self,
        channel: &Channel,
        posts: Vec<ChatPost>,
        threads: Vec<ThreadRead>,
        began: DateTime<Utc>,
    ) -> Result<u64, Stop> {
        if posts.is_empty() && threads.is_empty() {
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
                    let mut written = tx.upsert_chat_posts(id, &posts).await?;
                    for thread in &threads {
                        let keep: Vec<String> =
                            thread.replies.iter().map(|r| r.id.clone()).collect();
                        written += tx.retire_chat_replies(id, &thread.root, began, &keep).await?;
                    }
                    posts_changed(tx, id, owner, written).await?;
                    Ok::<_, StoreError>(written)
                })
            })
            .await?;
        Ok(written)
    }

    /// Retires the window's top-level posts written before `began` the listing did not show,
    /// with their replies.
    async fn retire_unlisted(
        &self,
        channel: &Channel,
        window: DateTime<Utc>,
        began: DateTime<Utc>,
        listed: Vec<String>,
    ) -> Result<u64, Stop> {
        let (id, owner) = (channel.id, channel.owner_id);
        let retired = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    if tx.chat_channel(id).await?.is_none() {
                        return Ok(0);
                    }
                    let retired = tx.retire_chat_top_level(id, window, began, &listed).await?;
                    posts_changed(tx, id, owner, retired).await?;
                    Ok::<_, StoreError>(retired)
                })
            })
            .await?;
        Ok(retired)
    }
}

/// Appends the channel's `changed` event when `written` rows changed.
pub(super) async fn posts_changed<T: ChatStore + Transaction>(
    tx: &mut T,
    channel: switchboard_domain::chat_sources::ChannelId,
    owner: switchboard_domain::UserId,
    written: u64,
) -> Result<(), StoreError> {
    if written == 0 {
        return Ok(());
    }
    let event = NewEvent::changed(
        Channel::EVENT_MODEL,
        channel.to_string(),
        Channel::POSTS_ATTRIBUTE,
        serde_json::Value::Null,
        written,
    )
    .owned_by(Some(owner));
    tx.append_events(vec![event]).await
}
