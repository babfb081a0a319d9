//! The caller's channels: listing them, following or unfollowing one, counting its bots.

use switchboard_domain::NewEvent;
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId};
use switchboard_ports::{ChatStore, Ports, Transaction, UnitOfWork};

use super::sources::include_direct_messages;
use super::{ChatService, ChatServiceError};
use crate::identity::Principal;

/// What to change of a channel; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelUpdate {
    /// Whether it is synced and analysed.
    pub followed: Option<bool>,
    /// Whether its bots' and webhooks' posts count in most active and hot topics.
    pub include_bots: Option<bool>,
}

/// What to change of a source; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceUpdate {
    /// Whether its direct and group messages are followed (turning it on follows those
    /// already found, turning it off unfollows them).
    pub include_direct: Option<bool>,
}

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
        let update = ChannelUpdate { followed: Some(followed), include_bots: None };
        self.update_channel(caller, id, update).await
    }

    /// Changes one of the caller's channels' settings, each change recorded as an event. A
    /// change of `include_bots` has its statistics recomputed by the analytics consumer.
    ///
    /// # Errors
    /// [`ChatServiceError::ChannelNotFound`] when it is not theirs.
    pub async fn update_channel(
        &self,
        caller: &Principal,
        id: ChannelId,
        update: ChannelUpdate,
    ) -> Result<Channel, ChatServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let channel = tx.chat_channel(id).await?;
                    let mut channel = channel
                        .filter(|c| c.owner_id == owner)
                        .ok_or(ChatServiceError::ChannelNotFound)?;
                    let changed = |attribute: &str, old: bool, new: bool| {
                        NewEvent::changed(Channel::EVENT_MODEL, id.to_string(), attribute, old, new)
                            .by(Some(owner))
                            .owned_by(Some(owner))
                    };
                    let mut events = Vec::new();
                    if let Some(followed) = update.followed.filter(|f| *f != channel.followed) {
                        events.push(changed("followed", channel.followed, followed));
                        channel.followed = followed;
                    }
                    if let Some(include) =
                        update.include_bots.filter(|i| *i != channel.include_bots)
                    {
                        events.push(changed(
                            Channel::INCLUDE_BOTS_ATTRIBUTE,
                            channel.include_bots,
                            include,
                        ));
                        channel.include_bots = include;
                    }
                    if !events.is_empty() {
                        tx.update_chat_channel(&channel).await?;
                        tx.append_events(events).await?;
                    }
                    Ok(channel)
                })
            })
            .await
    }

    /// Changes one of the caller's sources' settings (see [`SourceUpdate`]), each change
    /// recorded as an event.
    ///
    /// # Errors
    /// [`ChatServiceError::SourceNotFound`] when it is not theirs.
    pub async fn update_source(
        &self,
        caller: &Principal,
        id: SourceId,
        update: SourceUpdate,
    ) -> Result<Source, ChatServiceError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let source = tx.chat_source(id).await?;
                    let mut source = source
                        .filter(|s| s.owner_id == owner)
                        .ok_or(ChatServiceError::SourceNotFound)?;
                    if let Some(include) = update.include_direct {
                        include_direct_messages(tx, &mut source, include, Some(owner)).await?;
                    }
                    Ok(source)
                })
            })
            .await
    }
}
