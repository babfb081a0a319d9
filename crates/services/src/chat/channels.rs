//! The caller's channels: listing them, following or unfollowing one.

use switchboard_domain::NewEvent;
use switchboard_domain::chat_sources::{Channel, ChannelId};
use switchboard_ports::{ChatStore, Ports, Transaction, UnitOfWork};

use super::{ChatService, ChatServiceError};
use crate::identity::Principal;

impl<P: Ports> ChatService<P> {
    /// The channels of every source of the caller's, by name.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn channels(&self, caller: &Principal) -> Result<Vec<Channel>, ChatServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| Box::pin(async move { Ok(tx.chat_channels_of(owner).await?) }))
            .await
    }

    /// Follows or unfollows one of the caller's channels: only followed channels are synced
    /// and analysed. A channel followed again is backfilled at the next sync if it never was.
    ///
    /// # Errors
    /// [`ChatServiceError::ChannelNotFound`] when it is not theirs.
    pub async fn set_followed(
        &self,
        caller: &Principal,
        id: ChannelId,
        followed: bool,
    ) -> Result<Channel, ChatServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let channel = tx.chat_channel(id).await?;
                    let mut channel = channel
                        .filter(|c| c.owner_id == owner)
                        .ok_or(ChatServiceError::ChannelNotFound)?;
                    if channel.followed != followed {
                        let event = NewEvent::changed(
                            Channel::EVENT_MODEL,
                            id.to_string(),
                            "followed",
                            channel.followed,
                            followed,
                        )
                        .by(Some(owner))
                        .owned_by(Some(owner));
                        channel.followed = followed;
                        tx.update_chat_channel(&channel).await?;
                        tx.append_events(vec![event]).await?;
                    }
                    Ok(channel)
                })
            })
            .await
    }
}
