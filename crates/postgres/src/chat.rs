//! The chat store: [`crate::PgTx`] as chat sources, channels and posts. Posts are written with
//! one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` per batch: a fixed number of
//! parameters whatever the batch size, one round trip.

mod channels;
mod checkpoints;
mod post_sql;
mod posts;
mod reads;
mod rows;
mod sources;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::{ChatPost, ChatProvider, ThreadSummary};
use switchboard_domain::chat_posts::{PostKey, PostListing, PostQuery, PostThread};
use switchboard_domain::chat_sources::{BackfillCheckpoint, Channel, ChannelId, Source, SourceId};
use switchboard_ports::{ChatStore, StoreError};

use crate::PgTx;

impl ChatStore for PgTx {
    async fn insert_chat_source(&mut self, source: &Source) -> Result<(), StoreError> {
        sources::insert(self, source).await
    }

    async fn chat_source(&mut self, id: SourceId) -> Result<Option<Source>, StoreError> {
        sources::by_id(self, id).await
    }

    async fn chat_sources_of(&mut self, owner: UserId) -> Result<Vec<Source>, StoreError> {
        sources::of_owner(self, owner).await
    }

    async fn chat_sources_to_sync(&mut self) -> Result<Vec<SourceId>, StoreError> {
        sources::to_sync(self).await
    }

    async fn update_chat_source(&mut self, source: &Source) -> Result<(), StoreError> {
        sources::update(self, source).await
    }

    async fn delete_chat_source(&mut self, id: SourceId) -> Result<(), StoreError> {
        sources::delete(self, id).await
    }

    async fn insert_chat_channels(&mut self, channels: &[Channel]) -> Result<(), StoreError> {
        channels::insert(self, channels).await
    }

    async fn chat_channel(&mut self, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        channels::by_id(self, id).await
    }

    async fn chat_channels_of_source(
        &mut self,
        source: SourceId,
    ) -> Result<Vec<Channel>, StoreError> {
        channels::of_source(self, source).await
    }

    async fn chat_channels_of(&mut self, owner: UserId) -> Result<Vec<Channel>, StoreError> {
        channels::of_owner(self, owner).await
    }

    async fn update_chat_channel(&mut self, channel: &Channel) -> Result<(), StoreError> {
        channels::update(self, channel).await
    }

    async fn rename_chat_channel(&mut self, id: ChannelId, name: &str) -> Result<(), StoreError> {
        channels::rename(self, id, name).await
    }

    async fn set_chat_channel_unreadable(
        &mut self,
        id: ChannelId,
        since: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        channels::set_unreadable(self, id, since).await
    }

    async fn upsert_chat_posts(
        &mut self,
        channel: ChannelId,
        posts: &[ChatPost],
    ) -> Result<u64, StoreError> {
        posts::upsert(self, channel, posts).await
    }

    async fn retire_chat_posts(
        &mut self,
        channel: ChannelId,
        since: Option<DateTime<Utc>>,
        before: Option<DateTime<Utc>>,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        posts::retire(self, channel, since, before, keep).await
    }

    async fn retire_chat_top_level(
        &mut self,
        channel: ChannelId,
        since: DateTime<Utc>,
        before: DateTime<Utc>,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        posts::retire_top_level(self, channel, since, before, keep).await
    }

    async fn retire_chat_replies(
        &mut self,
        channel: ChannelId,
        root: &str,
        before: DateTime<Utc>,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        posts::retire_replies(self, channel, root, before, keep).await
    }

    async fn chat_thread_summaries(
        &mut self,
        channel: ChannelId,
        roots: &[String],
    ) -> Result<Vec<ThreadSummary>, StoreError> {
        posts::thread_summaries(self, channel, roots).await
    }

    async fn chat_channels_following(
        &mut self,
        provider: ChatProvider,
        team_id: &str,
        channel: &str,
    ) -> Result<Vec<Channel>, StoreError> {
        channels::following(self, provider, team_id, channel).await
    }

    async fn delete_chat_post(
        &mut self,
        channel: ChannelId,
        post: &str,
    ) -> Result<u64, StoreError> {
        posts::delete_one(self, channel, post).await
    }

    async fn chat_backfill_checkpoint(
        &mut self,
        channel: ChannelId,
    ) -> Result<Option<BackfillCheckpoint>, StoreError> {
        checkpoints::get(self, channel).await
    }

    async fn set_chat_backfill_checkpoint(
        &mut self,
        channel: ChannelId,
        checkpoint: Option<&BackfillCheckpoint>,
    ) -> Result<(), StoreError> {
        checkpoints::set(self, channel, checkpoint).await
    }

    async fn chat_posts(
        &mut self,
        channel: ChannelId,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<ChatPost>, StoreError> {
        posts::list(self, channel, since).await
    }

    async fn chat_post_page(
        &mut self,
        owner: UserId,
        query: &PostQuery,
    ) -> Result<PostListing, StoreError> {
        reads::page(self, owner, query).await
    }

    async fn chat_post_thread(
        &mut self,
        owner: UserId,
        key: &PostKey,
        replies: u32,
    ) -> Result<Option<PostThread>, StoreError> {
        reads::thread(self, owner, key, replies).await
    }
}
