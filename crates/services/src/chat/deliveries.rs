//! Events a provider pushes (Slack's Events API): checked and read by the factory's adapter,
//! then applied to the stored posts of every followed channel they concern, with the same
//! `changed` events a sync records. Applying one twice writes nothing the second time, so a
//! retried delivery (Slack's `X-Slack-Retry-Num`) is harmless; nothing is enqueued and the
//! provider is not called, so the answer is quick.

use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_events::{ChatChange, ChatDelivery, ChatEvent, SignedDelivery};
use switchboard_ports::{ChatSourceFactory, ChatStore, Clock, Ports, StoreError, UnitOfWork};

use super::listing::posts_changed;
use super::{ChatService, ChatServiceError};

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The provider checks the endpoint: answer it this.
    Challenge(String),
    /// An event applied to this many stored channels (none: nobody follows that channel),
    /// writing this many rows.
    Applied {
        /// Stored channels following the event's channel.
        channels: usize,
        /// Rows written (0 for a repeat).
        written: u64,
    },
    /// An event Switchboard does not use.
    Ignored,
}

impl<P: Ports> ChatService<P> {
    /// Checks, reads and applies one push of `provider`.
    ///
    /// # Errors
    /// [`ChatServiceError::Delivery`] when it is refused (not configured, not signed by the
    /// provider, too old, unreadable); [`ChatServiceError::Store`].
    pub async fn receive(
        &self,
        provider: ChatProvider,
        delivery: SignedDelivery<'_>,
    ) -> Result<DeliveryOutcome, ChatServiceError> {
        let opened = self.sources.open_delivery(provider, delivery, self.clock.now());
        match opened.map_err(ChatServiceError::Delivery)? {
            ChatDelivery::UrlVerification { challenge } => {
                Ok(DeliveryOutcome::Challenge(challenge))
            }
            ChatDelivery::Ignored => Ok(DeliveryOutcome::Ignored),
            ChatDelivery::Event(event) => self.apply(provider, *event).await,
        }
    }

    async fn apply(
        &self,
        provider: ChatProvider,
        event: ChatEvent,
    ) -> Result<DeliveryOutcome, ChatServiceError> {
        let outcome = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let channels = tx
                        .chat_channels_following(provider, &event.team_id, &event.channel_id)
                        .await?;
                    let mut total = 0;
                    for channel in &channels {
                        let written = match &event.change {
                            ChatChange::Posted(post) => {
                                tx.upsert_chat_posts(channel.id, std::slice::from_ref(post)).await?
                            }
                            ChatChange::Deleted { id } => {
                                tx.delete_chat_post(channel.id, id).await?
                            }
                        };
                        posts_changed(tx, channel.id, channel.owner_id, written).await?;
                        total += written;
                    }
                    Ok::<_, StoreError>(DeliveryOutcome::Applied {
                        channels: channels.len(),
                        written: total,
                    })
                })
            })
            .await?;
        if let DeliveryOutcome::Applied { channels, written } = &outcome {
            tracing::debug!(%provider, channels, written, "chat event applied");
        }
        Ok(outcome)
    }
}
