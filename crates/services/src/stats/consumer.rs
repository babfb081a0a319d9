//! The event consumer that recomputes the statistics of channels which received posts.

use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::sync::Arc;

use super::StatsPolicy;
use super::compute::{Cpu, compute, load};
use crate::events::EventConsumer;
use switchboard_domain::chat_sources::{Channel, ChannelId};
use switchboard_domain::{Change, Event};
use switchboard_ports::{BoxFuture, ChatStatsStore, Clock, Ports, StoreError};

/// Reads the `posts` changes of channels (appended by every ingest page that wrote posts) and
/// their `include_bots` changes, and
/// recomputes those channels' stored statistics, in the transaction that moves its checkpoint:
/// the statistics and the checkpoint commit together, and a failure moves neither.
pub struct ChannelStatsConsumer<P: Ports> {
    clock: P::Clock,
    policy: Arc<StatsPolicy>,
    cpu: Arc<Cpu>,
    ports: PhantomData<fn() -> P>,
}

impl<P: Ports> std::fmt::Debug for ChannelStatsConsumer<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Self::NAME)
    }
}

impl<P: Ports> ChannelStatsConsumer<P> {
    /// The consumer's name (its checkpoint's key).
    pub const NAME: &'static str = "chat.channel_stats";

    pub(super) fn new(clock: P::Clock, policy: Arc<StatsPolicy>, cpu: Arc<Cpu>) -> Self {
        Self { clock, policy, cpu, ports: PhantomData }
    }
}

/// The channels that received posts in `events`, or whose bots were included or left out,
/// each once.
fn channels_with_posts(events: &[Event]) -> Vec<ChannelId> {
    let recompute = |attribute: &str| {
        attribute == Channel::POSTS_ATTRIBUTE || attribute == Channel::INCLUDE_BOTS_ATTRIBUTE
    };
    let channels: BTreeSet<ChannelId> = events
        .iter()
        .filter(|e| e.model_name == Channel::EVENT_MODEL)
        .filter(|e| matches!(&e.change, Change::Changed { attribute_name, .. } if recompute(attribute_name)))
        .filter_map(|e| e.object_id.parse().ok())
        .collect();
    channels.into_iter().collect()
}

impl<P, Tx> EventConsumer<Tx> for ChannelStatsConsumer<P>
where
    P: Ports,
    Tx: ChatStatsStore,
{
    fn name(&self) -> &str {
        Self::NAME
    }

    fn handle<'t>(
        &'t self,
        tx: &'t mut Tx,
        events: &'t [Event],
    ) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let now = self.clock.now();
            let channels = channels_with_posts(events);
            for step in channels.chunks(self.policy.channels_per_step.max(1)) {
                let loaded = load(tx, step, now, &self.policy).await?;
                let stats = compute(&self.cpu, loaded, now, self.policy.settings).await?;
                tx.save_channel_stats(&stats).await?;
            }
            if !channels.is_empty() {
                tracing::debug!(channels = channels.len(), "channel statistics recomputed");
            }
            Ok(())
        })
    }
}
