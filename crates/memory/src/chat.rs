//! [`MemoryTx`] as the chat store, and a chat-source factory that builds nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::{
    ChannelRef, ChatIdentity, ChatPost, ChatProvider, ChatUser, HistoryScope, PageCursor, PostPage,
    ThreadSummary,
};
use switchboard_domain::chat_posts::{PostKey, PostListing, PostQuery, PostThread};
use switchboard_domain::chat_sources::{
    BackfillCheckpoint, Channel, ChannelId, Source, SourceId, SourceStatus,
};
use switchboard_ports::{ChatError, ChatSource, ChatSourceFactory, ChatStore, StoreError};

use crate::MemoryTx;

/// The chat aggregates, as the in-memory store keeps them.
#[derive(Debug, Clone, Default)]
pub struct ChatState {
    /// Sources by id.
    pub sources: BTreeMap<SourceId, Source>,
    /// Channels by id.
    pub channels: BTreeMap<ChannelId, Channel>,
    /// Posts by channel, then by provider post id.
    pub posts: BTreeMap<ChannelId, BTreeMap<String, ChatPost>>,
    /// Stored channel statistics by channel.
    pub stats: BTreeMap<ChannelId, switchboard_domain::chat_stats::ChannelStats>,
    /// Where unfinished backfills resume, by channel.
    pub checkpoints: BTreeMap<ChannelId, BackfillCheckpoint>,
    /// Writes of each channel's posts, counted (see `ChatStatsStore::channel_posts_version`).
    pub post_versions: BTreeMap<ChannelId, u64>,
}

impl ChatStore for MemoryTx {
    async fn insert_chat_source(&mut self, source: &Source) -> Result<(), StoreError> {
        self.state.chat.sources.insert(source.id, source.clone());
        Ok(())
    }

    async fn chat_source(&mut self, id: SourceId) -> Result<Option<Source>, StoreError> {
        Ok(self.state.chat.sources.get(&id).cloned())
    }

    async fn chat_sources_of(&mut self, owner: UserId) -> Result<Vec<Source>, StoreError> {
        let mut found: Vec<Source> =
            self.state.chat.sources.values().filter(|s| s.owner_id == owner).cloned().collect();
        found.sort_by_key(|s| (s.created_at, s.id));
        Ok(found)
    }

    async fn chat_sources_to_sync(&mut self) -> Result<Vec<SourceId>, StoreError> {
        let sources = self.state.chat.sources.values();
        Ok(sources.filter(|s| s.status != SourceStatus::ReauthRequired).map(|s| s.id).collect())
    }

    async fn update_chat_source(&mut self, source: &Source) -> Result<(), StoreError> {
        let stored = self.state.chat.sources.get_mut(&source.id).ok_or(StoreError::NotFound)?;
        *stored = source.clone();
        Ok(())
    }

    async fn delete_chat_source(&mut self, id: SourceId) -> Result<(), StoreError> {
        let chat = &mut self.state.chat;
        if let Some(source) = chat.sources.remove(&id) {
            self.state.identity.sealed.remove(&source.token_secret_id);
        }
        let gone: Vec<ChannelId> =
            chat.channels.values().filter(|c| c.source_id == id).map(|c| c.id).collect();
        for channel in gone {
            chat.channels.remove(&channel);
            chat.posts.remove(&channel);
            chat.stats.remove(&channel);
            chat.checkpoints.remove(&channel);
            chat.post_versions.remove(&channel);
        }
        Ok(())
    }

    async fn insert_chat_channels(&mut self, channels: &[Channel]) -> Result<(), StoreError> {
        for channel in channels {
            let chat = &mut self.state.chat;
            let taken = chat
                .channels
                .values()
                .any(|c| c.source_id == channel.source_id && c.external_id == channel.external_id);
            if !taken {
                chat.channels.insert(channel.id, channel.clone());
            }
        }
        Ok(())
    }

    async fn chat_channel(&mut self, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        Ok(self.state.chat.channels.get(&id).cloned())
    }

    async fn chat_channels_of_source(
        &mut self,
        source: SourceId,
    ) -> Result<Vec<Channel>, StoreError> {
        Ok(sorted(self.state.chat.channels.values().filter(|c| c.source_id == source)))
    }

    async fn chat_channels_of(&mut self, owner: UserId) -> Result<Vec<Channel>, StoreError> {
        Ok(sorted(self.state.chat.channels.values().filter(|c| c.owner_id == owner)))
    }

    async fn rename_chat_channel(&mut self, id: ChannelId, name: &str) -> Result<(), StoreError> {
        let stored = self.state.chat.channels.get_mut(&id).ok_or(StoreError::NotFound)?;
        name.clone_into(&mut stored.name);
        Ok(())
    }

    async fn set_chat_channel_unreadable(
        &mut self,
        id: ChannelId,
        since: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let stored = self.state.chat.channels.get_mut(&id).ok_or(StoreError::NotFound)?;
        stored.unreadable_since = since;
        Ok(())
    }

    async fn update_chat_channel(&mut self, channel: &Channel) -> Result<(), StoreError> {
        let stored = self.state.chat.channels.get_mut(&channel.id).ok_or(StoreError::NotFound)?;
        stored.name.clone_from(&channel.name);
        stored.followed = channel.followed;
        stored.include_bots = channel.include_bots;
        stored.synced_until = channel.synced_until;
        Ok(())
    }

    async fn upsert_chat_posts(
        &mut self,
        channel: ChannelId,
        posts: &[ChatPost],
    ) -> Result<u64, StoreError> {
        let stored = self.state.chat.posts.entry(channel).or_default();
        // Each author's latest named live post stored before this batch (as one statement
        // sees the table), for the posts that come without a name.
        let mut names: HashMap<String, (DateTime<Utc>, String)> = HashMap::new();
        if posts.iter().any(|p| p.author_name.is_none()) {
            for p in stored.values().filter(|p| !p.deleted) {
                let Some(name) = &p.author_name else { continue };
                let latest =
                    names.entry(p.author_id.clone()).or_insert((p.posted_at, name.clone()));
                if p.posted_at > latest.0 {
                    *latest = (p.posted_at, name.clone());
                }
            }
        }
        let mut written = 0;
        for post in posts {
            let mut post = post.clone();
            let old = stored.get(&post.id);
            if old.is_some_and(|old| post.is_older_than(old)) {
                continue;
            }
            if post.author_name.is_none() {
                post.author_name = old
                    .and_then(|old| old.author_name.clone())
                    .or_else(|| names.get(&post.author_id).map(|(_, name)| name.clone()));
            }
            if old.is_some_and(|old| *old == post) {
                continue;
            }
            stored.insert(post.id.clone(), post);
            written += 1;
        }
        if written > 0 {
            *self.state.chat.post_versions.entry(channel).or_default() += 1;
        }
        Ok(written)
    }

    async fn retire_chat_posts(
        &mut self,
        channel: ChannelId,
        since: Option<DateTime<Utc>>,
        before: Option<DateTime<Utc>>,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
        let posts = self.state.chat.posts.entry(channel).or_default();
        let mut retired = 0;
        // Top-level posts and replies of listed threads; then the replies of deleted roots.
        for pass in 0..2 {
            let deleted: HashSet<String> =
                posts.values().filter(|p| p.deleted).map(|p| p.id.clone()).collect();
            for post in posts.values_mut() {
                let in_window = since.is_none_or(|since| post.posted_at >= since)
                    && before.is_none_or(|before| post.posted_at < before);
                let candidate = !post.deleted && in_window && !keep.contains(post.id.as_str());
                let root = post.thread_root.as_deref();
                let gone = if pass == 0 {
                    root.is_none_or(|r| keep.contains(r))
                } else {
                    root.is_some_and(|r| deleted.contains(r))
                };
                if candidate && gone {
                    post.deleted = true;
                    retired += 1;
                }
            }
        }
        if retired > 0 {
            *self.state.chat.post_versions.entry(channel).or_default() += 1;
        }
        Ok(retired)
    }

    async fn retire_chat_top_level(
        &mut self,
        channel: ChannelId,
        since: DateTime<Utc>,
        before: DateTime<Utc>,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
        let posts = self.state.chat.posts.entry(channel).or_default();
        let listed = |at: DateTime<Utc>| since <= at && at < before;
        let mut retired = 0;
        for post in posts.values_mut() {
            let gone = post.thread_root.is_none()
                && listed(post.posted_at)
                && !keep.contains(post.id.as_str());
            if gone && !post.deleted {
                post.deleted = true;
                retired += 1;
            }
        }
        let deleted: HashSet<String> = posts
            .values()
            .filter(|p| p.deleted && !keep.contains(p.id.as_str()))
            .map(|p| p.id.clone())
            .collect();
        for post in posts.values_mut() {
            let reply_of_gone = post.thread_root.as_ref().is_some_and(|r| deleted.contains(r));
            if !post.deleted && listed(post.posted_at) && reply_of_gone {
                post.deleted = true;
                retired += 1;
            }
        }
        if retired > 0 {
            *self.state.chat.post_versions.entry(channel).or_default() += 1;
        }
        Ok(retired)
    }

    async fn retire_chat_replies(
        &mut self,
        channel: ChannelId,
        root: &str,
        before: DateTime<Utc>,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
        let posts = self.state.chat.posts.entry(channel).or_default();
        let mut retired = 0;
        for post in posts.values_mut() {
            let reply = post.thread_root.as_deref() == Some(root) && post.posted_at < before;
            if reply && !post.deleted && !keep.contains(post.id.as_str()) {
                post.deleted = true;
                retired += 1;
            }
        }
        if retired > 0 {
            *self.state.chat.post_versions.entry(channel).or_default() += 1;
        }
        Ok(retired)
    }

    async fn chat_thread_summaries(
        &mut self,
        channel: ChannelId,
        roots: &[String],
    ) -> Result<Vec<ThreadSummary>, StoreError> {
        let roots: HashSet<&str> = roots.iter().map(String::as_str).collect();
        let mut found: BTreeMap<&str, ThreadSummary> = BTreeMap::new();
        let posts = self.state.chat.posts.get(&channel);
        for post in posts.into_iter().flat_map(|p| p.values()).filter(|p| !p.deleted) {
            let Some(root) = post.thread_root.as_deref().filter(|r| roots.contains(r)) else {
                continue;
            };
            let entry = found.entry(root).or_insert_with(|| ThreadSummary {
                root: root.to_owned(),
                replies: 0,
                latest_reply: None,
            });
            entry.replies += 1;
            entry.latest_reply = entry.latest_reply.max(Some(post.posted_at));
        }
        Ok(found.into_values().collect())
    }

    async fn chat_channels_following(
        &mut self,
        provider: ChatProvider,
        team_id: &str,
        channel: &str,
    ) -> Result<Vec<Channel>, StoreError> {
        let chat = &self.state.chat;
        let on_team = |c: &Channel| {
            chat.sources.get(&c.source_id).is_some_and(|s| {
                s.provider == provider
                    && s.team_id == team_id
                    && s.status != SourceStatus::ReauthRequired
            })
        };
        Ok(chat
            .channels
            .values()
            .filter(|c| c.followed && c.external_id == channel && on_team(c))
            .cloned()
            .collect())
    }

    async fn delete_chat_post(
        &mut self,
        channel: ChannelId,
        post: &str,
    ) -> Result<u64, StoreError> {
        let posts = self.state.chat.posts.entry(channel).or_default();
        let Some(found) = posts.get_mut(post).filter(|p| !p.deleted) else { return Ok(0) };
        found.deleted = true;
        *self.state.chat.post_versions.entry(channel).or_default() += 1;
        Ok(1)
    }

    async fn chat_backfill_checkpoint(
        &mut self,
        channel: ChannelId,
    ) -> Result<Option<BackfillCheckpoint>, StoreError> {
        Ok(self.state.chat.checkpoints.get(&channel).cloned())
    }

    async fn set_chat_backfill_checkpoint(
        &mut self,
        channel: ChannelId,
        checkpoint: Option<&BackfillCheckpoint>,
    ) -> Result<(), StoreError> {
        let chat = &mut self.state.chat;
        match checkpoint {
            Some(_) if !chat.channels.contains_key(&channel) => Err(StoreError::NotFound),
            Some(checkpoint) => {
                chat.checkpoints.insert(channel, checkpoint.clone());
                Ok(())
            }
            None => {
                chat.checkpoints.remove(&channel);
                Ok(())
            }
        }
    }

    async fn chat_posts(
        &mut self,
        channel: ChannelId,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<ChatPost>, StoreError> {
        let Some(stored) = self.state.chat.channels.get(&channel) else { return Ok(Vec::new()) };
        let external = stored.external_id.clone();
        let mut posts: Vec<ChatPost> = self
            .state
            .chat
            .posts
            .get(&channel)
            .into_iter()
            .flat_map(BTreeMap::values)
            .filter(|p| since.is_none_or(|since| p.posted_at >= since))
            .map(|p| ChatPost { channel_id: external.clone(), ..p.clone() })
            .collect();
        posts.sort_by(|a, b| (a.posted_at, &a.id).cmp(&(b.posted_at, &b.id)));
        Ok(posts)
    }

    async fn chat_post_page(
        &mut self,
        owner: UserId,
        query: &PostQuery,
    ) -> Result<PostListing, StoreError> {
        Ok(crate::chat_posts::page(&self.state.chat, owner, query))
    }

    async fn chat_post_thread(
        &mut self,
        owner: UserId,
        key: &PostKey,
        replies: u32,
    ) -> Result<Option<PostThread>, StoreError> {
        Ok(crate::chat_posts::thread(&self.state.chat, owner, key, replies))
    }
}

fn sorted<'a>(channels: impl Iterator<Item = &'a Channel>) -> Vec<Channel> {
    let mut found: Vec<Channel> = channels.cloned().collect();
    found.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    found
}

/// A chat-source factory for embedders without chat providers: every source it builds
/// refuses to work.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoChatSources;

/// The source [`NoChatSources`] builds: every call fails with [`ChatError::Transport`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoChatSource;

fn unavailable() -> ChatError {
    ChatError::Transport("no chat provider is configured".to_owned())
}

impl ChatSource for NoChatSource {
    async fn identity(&self) -> Result<ChatIdentity, ChatError> {
        Err(unavailable())
    }

    async fn channels(&self) -> Result<Vec<ChannelRef>, ChatError> {
        Err(unavailable())
    }

    async fn history(
        &self,
        _channel_id: &str,
        _scope: HistoryScope,
        _page: Option<&PageCursor>,
    ) -> Result<PostPage, ChatError> {
        Err(unavailable())
    }

    async fn users(&self, _ids: &[String]) -> Result<Vec<ChatUser>, ChatError> {
        Err(unavailable())
    }
}

impl ChatSourceFactory for NoChatSources {
    type Source = NoChatSource;

    fn default_base_url(&self, _provider: ChatProvider) -> Option<String> {
        None
    }

    fn source(&self, _: ChatProvider, _: &str, _: &str) -> Result<NoChatSource, ChatError> {
        Ok(NoChatSource)
    }

    /// Literal addresses only: the in-memory adapters reach no network.
    async fn resolve(&self, host: &str, _port: u16) -> Result<Vec<std::net::IpAddr>, ChatError> {
        host.trim_matches(['[', ']'])
            .parse()
            .map(|ip| vec![ip])
            .map_err(|_| ChatError::Transport(format!("{host} does not resolve here")))
    }
}
