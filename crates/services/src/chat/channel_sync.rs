//! One channel's sync: a backfill, or a change scan and a re-read of the latest history;
//! pages stored as they arrive, authors' names resolved once per sync.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use switchboard_domain::NewEvent;
use switchboard_domain::chat::{ChatPost, HistoryScope};
use switchboard_domain::chat_sources::Channel;
use switchboard_ports::{
    ChatError, ChatSource, ChatSourceFactory, ChatStore, Clock, Ports, StoreError, Transaction,
    UnitOfWork,
};

use super::ChatService;
use super::sync::Stop;

/// Authors' names found during one sync (`None`: the provider does not know the id), shared
/// by the channels synced at once.
pub(super) type Names = Mutex<HashMap<String, Option<String>>>;

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

fn mark_of(post: &ChatPost) -> DateTime<Utc> {
    post.edited_at.map_or(post.posted_at, |edited| edited.max(post.posted_at))
}

impl<P: Ports> ChatService<P> {
    /// One channel: a backfill the first time (or when the provider truncated its change
    /// list), else a change scan and a full read of the latest `reconcile_window`; returns
    /// the rows written.
    pub(super) async fn sync_channel(
        &self,
        client: &<P::ChatSources as ChatSourceFactory>::Source,
        mut channel: Channel,
        names: &Names,
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
        names: &Names,
    ) -> Result<Pass, Stop> {
        let backfill = matches!(scope, HistoryScope::Backfill { .. });
        let mut pass =
            Pass { written: 0, mark: None, seen: backfill.then(Vec::new), truncated: false };
        let mut page = client.history(&channel.external_id, scope, None).await?;
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
                pass.written += self.store_page(channel, posts).await?;
                return Ok(pass);
            };
            // The next page is fetched while this one is written; both run to the end, so a
            // page fetched is never lost to a failed write, nor a write cut short.
            let (stored, fetched) = futures_util::future::join(
                self.store_page(channel, posts),
                client.history(&channel.external_id, scope, Some(&next)),
            )
            .await;
            pass.written += stored?;
            page = fetched?;
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
        names: &Names,
    ) -> Result<(), ChatError> {
        let lock = || names.lock().unwrap_or_else(PoisonError::into_inner);
        let mut missing: Vec<String> = {
            let known = lock();
            posts
                .iter()
                .filter(|p| p.author_name.is_none() && !p.author_id.is_empty())
                .filter(|p| !known.contains_key(&p.author_id))
                .map(|p| p.author_id.clone())
                .collect()
        };
        missing.sort_unstable();
        missing.dedup();
        // Asked without the lock held: two channels may ask for one author, never wait.
        let found = if missing.is_empty() { Vec::new() } else { client.users(&missing).await? };
        let mut known = lock();
        for user in found {
            known.insert(user.id, Some(user.display_name));
        }
        for id in missing {
            known.entry(id).or_insert(None);
        }
        for post in posts.iter_mut().filter(|p| p.author_name.is_none()) {
            post.author_name = known.get(&post.author_id).cloned().flatten();
        }
        Ok(())
    }
}
