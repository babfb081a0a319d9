//! Reading the caller's channels: pages of their live posts, and a post with its thread. An
//! answer read since the channel's posts were last written is served again from memory (see
//! `crate::kept_pages`).

use switchboard_domain::UserId;
use switchboard_domain::chat_posts::{PostKey, PostListing, PostQuery, PostThread, THREAD_REPLIES};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::{ChatStatsStore, ChatStore, Ports, UnitOfWork};

use super::kept::{Read, ReadQuery};
use super::{ChatService, ChatServiceError};
use crate::identity::Principal;

impl<P: Ports> ChatService<P> {
    /// A page of one of the caller's channels' live posts, newest first (the HTTP layer checks
    /// the limit and the filters' consistency).
    ///
    /// # Errors
    /// [`ChatServiceError::ChannelNotFound`] when the channel is not theirs.
    pub async fn posts(
        &self,
        caller: &Principal,
        query: PostQuery,
    ) -> Result<PostListing, ChatServiceError> {
        let owner = caller.user_id;
        let Some(kept) = &self.kept else { return self.read_posts(owner, query).await };
        let version = self
            .posts_version(owner, query.channel)
            .await?
            .ok_or(ChatServiceError::ChannelNotFound)?;
        let key = ReadQuery::Posts(query.clone());
        if let Some(Read::Posts(listing)) = kept.get(&key, version) {
            return Ok(listing);
        }
        let listing = self.read_posts(owner, query).await?;
        kept.put(key, version, Read::Posts(listing.clone()));
        Ok(listing)
    }

    /// One of the caller's live posts with its thread: its root when it is a reply, and the
    /// thread's latest [`THREAD_REPLIES`] replies.
    ///
    /// # Errors
    /// [`ChatServiceError::PostNotFound`] when it is not theirs, or deleted.
    pub async fn post(
        &self,
        caller: &Principal,
        key: PostKey,
    ) -> Result<PostThread, ChatServiceError> {
        let owner = caller.user_id;
        let Some(kept) = &self.kept else { return self.read_post(owner, key).await };
        let version =
            self.posts_version(owner, key.channel).await?.ok_or(ChatServiceError::PostNotFound)?;
        let query = ReadQuery::Post(key.clone());
        if let Some(Read::Post(thread)) = kept.get(&query, version) {
            return Ok(*thread);
        }
        let thread = self.read_post(owner, key).await?;
        kept.put(query, version, Read::Post(Box::new(thread.clone())));
        Ok(thread)
    }

    /// The version of `owner`'s `channel`'s posts; `None` when the channel is not theirs.
    async fn posts_version(
        &self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Option<u64>, ChatServiceError> {
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, ChatServiceError>(tx.channel_posts_version(owner, channel).await?)
                })
            })
            .await
    }

    /// A page of `owner`'s channel, read from the store.
    async fn read_posts(
        &self,
        owner: UserId,
        query: PostQuery,
    ) -> Result<PostListing, ChatServiceError> {
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    let listing = tx.chat_post_page(owner, &query).await?;
                    if listing.posts.is_empty() {
                        // The page reads the owner's channel only: only an empty one can hide
                        // a channel that is not theirs, so only then does the check cost a
                        // query.
                        tx.chat_channel(query.channel)
                            .await?
                            .filter(|c| c.owner_id == owner)
                            .ok_or(ChatServiceError::ChannelNotFound)?;
                    }
                    Ok(listing)
                })
            })
            .await
    }

    /// `owner`'s post with its thread, read from the store.
    async fn read_post(&self, owner: UserId, key: PostKey) -> Result<PostThread, ChatServiceError> {
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    tx.chat_post_thread(owner, &key, THREAD_REPLIES)
                        .await?
                        .ok_or(ChatServiceError::PostNotFound)
                })
            })
            .await
    }
}
