//! Reading the caller's channels: pages of their live posts, and a post with its thread.

use switchboard_domain::chat_posts::{PostKey, PostListing, PostQuery, PostThread, THREAD_REPLIES};
use switchboard_ports::{ChatStore, Ports, UnitOfWork};

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
