//! Reading one history request page by page: each page's authors named, the page written in
//! one transaction while the next is fetched, and for a backfill, where to resume saved with
//! the page.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use switchboard_domain::NewEvent;
use switchboard_domain::chat::{ChatPost, HistoryScope, PostPage};
use switchboard_domain::chat_sources::{BackfillCheckpoint, Channel};
use switchboard_ports::{
    ChatError, ChatSource, ChatSourceFactory, ChatStore, Ports, StoreError, Transaction, UnitOfWork,
};

use super::ChatService;
use super::sync::Stop;

/// Authors' names found during one sync (`None`: the provider does not know the id), shared
/// by the channels synced at once, which ask the provider one at a time: a channel waiting
/// to ask then finds what the one before it was told, and asks only for the rest.
#[derive(Debug, Default)]
pub(super) struct Names {
    known: Mutex<HashMap<String, Option<String>>>,
    asking: tokio::sync::Mutex<()>,
}

impl Names {
    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<String>>> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The authors of `posts` without a name whose name is not known yet, once each.
    fn missing(&self, posts: &[ChatPost]) -> Vec<String> {
        let known = self.known();
        let mut missing: Vec<String> = posts
            .iter()
            .filter(|p| p.author_name.is_none() && !p.author_id.is_empty())
            .filter(|p| !known.contains_key(&p.author_id))
            .map(|p| p.author_id.clone())
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}

/// What reading one history request did.
pub(super) struct Pass {
    /// Rows written.
    pub(super) written: u64,
    /// The latest creation or edit time listed.
    pub(super) mark: Option<DateTime<Utc>>,
    /// For a backfill, every post id listed.
    pub(super) seen: Option<Vec<String>>,
    /// For a resumed backfill, the time below which `seen` is complete (it does not list
    /// what the attempts before it listed).
    pub(super) before: Option<DateTime<Utc>>,
    /// The provider truncated its change list.
    pub(super) truncated: bool,
}

/// A backfill that saves where it would resume with each page it writes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Checkpointing {
    /// The backfill's window start (its request's `oldest`).
    pub(super) oldest: DateTime<Utc>,
    /// The oldest post time listed so far, by this attempt or those before it.
    pub(super) listed_down_to: Option<DateTime<Utc>>,
}

pub(super) fn mark_of(post: &ChatPost) -> DateTime<Utc> {
    post.edited_at.map_or(post.posted_at, |edited| edited.max(post.posted_at))
}

impl<P: Ports> ChatService<P> {
    /// Every page of one history request from the start, stored as they come.
    pub(super) async fn read(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        channel: &Channel,
        scope: HistoryScope,
        checkpointing: Option<Checkpointing>,
        names: &Names,
    ) -> Result<Pass, Stop> {
        let first = client.history(&channel.external_id, scope, None).await?;
        self.read_from(client, channel, scope, first, checkpointing, names).await
    }

    /// The pages of one history request from `page` on, stored as they come. A change scan
    /// the provider truncated stops at once (`truncated`); a backfill also returns the ids
    /// it listed.
    pub(super) async fn read_from(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        channel: &Channel,
        scope: HistoryScope,
        mut page: PostPage,
        mut checkpointing: Option<Checkpointing>,
        names: &Names,
    ) -> Result<Pass, Stop> {
        let backfill =
            matches!(scope, HistoryScope::Backfill { .. } | HistoryScope::Listing { .. });
        let mut pass = Pass {
            written: 0,
            mark: None,
            seen: backfill.then(Vec::new),
            before: None,
            truncated: false,
        };
        loop {
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
            let Some(next) = page.next else {
                pass.written += self.store_page(channel, posts, None).await?;
                return Ok(pass);
            };
            // Saved with the page: a failure from here on resumes at `next`.
            let checkpoint = checkpointing.as_mut().and_then(|c| {
                let listed = posts.iter().map(|p| p.posted_at).chain(c.listed_down_to).min();
                c.listed_down_to = listed;
                Some(BackfillCheckpoint {
                    oldest: c.oldest,
                    cursor: next.as_str().to_owned(),
                    listed_down_to: listed?,
                })
            });
            // The next page is fetched while this one is written; both run to the end, so a
            // page fetched is never lost to a failed write, nor a write cut short.
            let (stored, fetched) = futures_util::future::join(
                self.store_page(channel, posts, checkpoint),
                client.history(&channel.external_id, scope, Some(&next)),
            )
            .await;
            pass.written += stored?;
            page = fetched?;
        }
    }

    /// Upserts one page, records that the channel received posts, and saves where its
    /// backfill resumes, in one transaction.
    async fn store_page(
        &self,
        channel: &Channel,
        posts: Vec<ChatPost>,
        checkpoint: Option<BackfillCheckpoint>,
    ) -> Result<u64, Stop> {
        if posts.is_empty() && checkpoint.is_none() {
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
                            Channel::EVENT_MODEL,
                            id.to_string(),
                            Channel::POSTS_ATTRIBUTE,
                            serde_json::Value::Null,
                            written,
                        )
                        .owned_by(Some(owner));
                        tx.append_events(vec![event]).await?;
                    }
                    if let Some(checkpoint) = checkpoint {
                        tx.set_chat_backfill_checkpoint(id, Some(&checkpoint)).await?;
                    }
                    Ok::<_, StoreError>(written)
                })
            })
            .await?;
        Ok(written)
    }

    /// Fills in the authors' names the provider did not give with the posts, asking it once
    /// per unknown author per sync. Every person the provider names is kept: an adapter that
    /// had to read the whole directory for a few ids answers for everyone.
    pub(super) async fn resolve_names(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        posts: &mut [ChatPost],
        names: &Names,
    ) -> Result<(), ChatError> {
        if !names.missing(posts).is_empty() {
            // One channel asks at a time; those waiting ask only for what is still unknown.
            let _turn = names.asking.lock().await;
            let missing = names.missing(posts);
            if !missing.is_empty() {
                let found = client.users(&missing).await?;
                let mut known = names.known();
                for user in found {
                    known.insert(user.id, Some(user.display_name));
                }
                for id in missing {
                    known.entry(id).or_insert(None);
                }
            }
        }
        let known = names.known();
        for post in posts.iter_mut().filter(|p| p.author_name.is_none()) {
            post.author_name = known.get(&post.author_id).cloned().flatten();
        }
        Ok(())
    }
}
