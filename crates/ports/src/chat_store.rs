//! The chat aggregates' store: connected sources, their channels and the ingested posts,
//! implemented by each adapter's transaction type.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::{ChatPost, ChatProvider, ThreadSummary};
use switchboard_domain::chat_posts::{PostKey, PostListing, PostQuery, PostThread};
use switchboard_domain::chat_sources::{BackfillCheckpoint, Channel, ChannelId, Source, SourceId};

use crate::StoreError;

/// Chat sources, channels and posts. Posts are written in batches: one call, one round trip
/// per batch (adapters split very large batches themselves).
pub trait ChatStore: Send {
    /// Adds a source.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_chat_source(
        &mut self,
        source: &Source,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The source with this id, whoever owns it.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_source(
        &mut self,
        id: SourceId,
    ) -> impl Future<Output = Result<Option<Source>, StoreError>> + Send;

    /// `owner`'s sources, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_sources_of(
        &mut self,
        owner: UserId,
    ) -> impl Future<Output = Result<Vec<Source>, StoreError>> + Send;

    /// Every source a scheduled sync should visit (all but those waiting for a new token).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_sources_to_sync(
        &mut self,
    ) -> impl Future<Output = Result<Vec<SourceId>, StoreError>> + Send;

    /// Saves the source's status, sync times, last error, backfill progress, team id and
    /// whether it includes direct messages.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    fn update_chat_source(
        &mut self,
        source: &Source,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the source, its channels, their posts and its sealed token.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delete_chat_source(
        &mut self,
        id: SourceId,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Adds channels, in one batch; a channel whose provider id the source already has is
    /// left as it is.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_chat_channels(
        &mut self,
        channels: &[Channel],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The channel with this id, whoever owns it.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_channel(
        &mut self,
        id: ChannelId,
    ) -> impl Future<Output = Result<Option<Channel>, StoreError>> + Send;

    /// The source's channels, by name.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_channels_of_source(
        &mut self,
        source: SourceId,
    ) -> impl Future<Output = Result<Vec<Channel>, StoreError>> + Send;

    /// `owner`'s channels, of every source, by name.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_channels_of(
        &mut self,
        owner: UserId,
    ) -> impl Future<Output = Result<Vec<Channel>, StoreError>> + Send;

    /// Saves the channel's name, followed flag, bots setting and sync mark.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    fn update_chat_channel(
        &mut self,
        channel: &Channel,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Saves a channel's new name, and nothing else: a sync that finds a channel renamed at
    /// the provider leaves a user's change to the channel's settings, written meanwhile, as it
    /// is.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    fn rename_chat_channel(
        &mut self,
        id: ChannelId,
        name: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Saves since when the channel is unreadable (`None`: readable again), and nothing else,
    /// like [`ChatStore::rename_chat_channel`].
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    fn set_chat_channel_unreadable(
        &mut self,
        id: ChannelId,
        since: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Inserts or updates posts of `channel` by their provider id (text, author, kind, edit
    /// time, deleted flag), in one batch. A post that comes without its author's name keeps
    /// the one stored, else takes the name of that author's latest named live post stored in
    /// the channel before the batch; a copy older than the stored one ([`ChatPost::is_older_than`]) is skipped.
    /// Returns how many rows were written.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn upsert_chat_posts(
        &mut self,
        channel: ChannelId,
        posts: &[ChatPost],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Marks deleted every live post of `channel` posted at or after `since` (all, when
    /// `None`) and before `before` (no bound, when `None`) whose provider id is not in `keep`
    /// and which is top-level, replies to a thread whose root is in `keep`, or replies to a
    /// deleted root: what a complete backfill of that window no longer lists (a reply to an
    /// older, live thread may not be listed by it). Returns how many.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn retire_chat_posts(
        &mut self,
        channel: ChannelId,
        since: Option<DateTime<Utc>>,
        before: Option<DateTime<Utc>>,
        keep: &[String],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Marks deleted every live top-level post of `channel` posted at or after `since` and
    /// before `before` whose provider id is not in `keep`, then the live replies of deleted
    /// roots not in `keep` either, posted in the same span (a root listed as a tombstone keeps
    /// its replies): what a complete [`switchboard_domain::chat::HistoryScope::Listing`] of
    /// that window no longer lists. `before` is when the listing began: a post written since
    /// (pushed by the provider's events meanwhile) is not the listing's to judge. Returns how
    /// many.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn retire_chat_top_level(
        &mut self,
        channel: ChannelId,
        since: DateTime<Utc>,
        before: DateTime<Utc>,
        keep: &[String],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Marks deleted every live reply of the thread rooted at `root` posted before `before`
    /// whose provider id is not in `keep`: what a complete read of that thread, begun at
    /// `before`, no longer lists. Returns how many.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn retire_chat_replies(
        &mut self,
        channel: ChannelId,
        root: &str,
        before: DateTime<Utc>,
        keep: &[String],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// What the stored replies of these threads add up to: their live replies counted, and
    /// the latest one's time. A thread without a stored live reply is left out.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_thread_summaries(
        &mut self,
        channel: ChannelId,
        roots: &[String],
    ) -> impl Future<Output = Result<Vec<ThreadSummary>, StoreError>> + Send;

    /// The followed channels with provider id `channel` of every `provider` source on team
    /// `team_id` that is not waiting for a new token: whom an event pushed for that channel
    /// concerns, whoever owns them.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_channels_following(
        &mut self,
        provider: ChatProvider,
        team_id: &str,
        channel: &str,
    ) -> impl Future<Output = Result<Vec<Channel>, StoreError>> + Send;

    /// Marks the post with provider id `post` of `channel` deleted (its text kept, as a
    /// retirement keeps it). Returns 1, or 0 when it is unknown or deleted already.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delete_chat_post(
        &mut self,
        channel: ChannelId,
        post: &str,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Where the channel's backfill resumes, when one was cut short.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_backfill_checkpoint(
        &mut self,
        channel: ChannelId,
    ) -> impl Future<Output = Result<Option<BackfillCheckpoint>, StoreError>> + Send;

    /// Saves where the channel's backfill resumes; `None` once it is complete. Removed with
    /// the channel.
    ///
    /// # Errors
    /// [`StoreError`] from the store (a channel that does not exist, among others).
    fn set_chat_backfill_checkpoint(
        &mut self,
        channel: ChannelId,
        checkpoint: Option<&BackfillCheckpoint>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The channel's posts posted at or after `since` (all, when `None`), deleted ones
    /// included, oldest first; `channel_id` is the provider's channel id.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_posts(
        &mut self,
        channel: ChannelId,
        since: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<Vec<ChatPost>, StoreError>> + Send;

    /// A page of the live posts of `owner`'s channel `query.channel`, newest first (then by
    /// provider id, byte order, descending), narrowed by the query's filters; in a nested
    /// page, top-level posts each with their thread's activity. Another user's channel, or a
    /// channel that does not exist, gives an empty page.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_post_page(
        &mut self,
        owner: UserId,
        query: &PostQuery,
    ) -> impl Future<Output = Result<PostListing, StoreError>> + Send;

    /// The live post `key` of one of `owner`'s channels with its thread: its live root when
    /// it is a reply, the thread's live reply count and its latest `replies` live replies,
    /// newest first, as the flat page of the thread would list them. `None` when the post is
    /// deleted, does not exist or is in another user's channel.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_post_thread(
        &mut self,
        owner: UserId,
        key: &PostKey,
        replies: u32,
    ) -> impl Future<Output = Result<Option<PostThread>, StoreError>> + Send;
}
