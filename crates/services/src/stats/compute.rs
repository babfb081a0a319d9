//! Loading a window's posts (one statement per window for a step of channels) and computing
//! statistics on the blocking pool.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use switchboard_domain::analytics::{ChatMessage, TimeWindow};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::{ChannelStats, StatsSettings};
use switchboard_ports::{ChatStatsStore, StoreError, WindowPost};
use tokio::sync::Semaphore;

use super::{StatsError, StatsPolicy};

/// Posts read for a computation.
#[derive(Debug)]
pub(super) struct Loaded {
    channels: Vec<ChannelId>,
    posts: Vec<WindowPost>,
}

/// The posts `channels`' statistics ending at `now` need: their window (the latest
/// `max_window_posts` of each) and the history before it (the latest `max_history_posts`).
pub(super) async fn load<T: ChatStatsStore>(
    tx: &mut T,
    channels: &[ChannelId],
    now: DateTime<Utc>,
    policy: &StatsPolicy,
) -> Result<Loaded, StoreError> {
    let window = policy.settings.window_ending_at(now);
    let history = policy.settings.history_before(now);
    let mut posts = tx.chat_window_posts(channels, window, policy.max_window_posts).await?;
    posts.extend(tx.chat_window_posts(channels, history, policy.max_history_posts).await?);
    Ok(Loaded { channels: channels.to_vec(), posts })
}

fn views(posts: &[WindowPost]) -> Vec<ChatMessage<'_>> {
    posts.iter().map(|p| ChatMessage::new(&p.author, &p.text, p.posted_at)).collect()
}

/// Every loaded channel's statistics ending at `now` (empty ones for channels without posts).
pub(super) async fn compute(
    permits: &Arc<Semaphore>,
    loaded: Loaded,
    now: DateTime<Utc>,
    settings: StatsSettings,
) -> Result<Vec<ChannelStats>, StatsError> {
    offload(permits, move || {
        let mut by_channel: HashMap<ChannelId, Vec<ChatMessage<'_>>> = HashMap::new();
        for p in &loaded.posts {
            let view = ChatMessage::new(&p.author, &p.text, p.posted_at);
            by_channel.entry(p.channel_id).or_default().push(view);
        }
        loaded
            .channels
            .iter()
            .map(|&channel| {
                let posts = by_channel.get(&channel).map_or(&[][..], Vec::as_slice);
                ChannelStats::compute(channel, posts, now, &settings)
            })
            .collect()
    })
    .await
}

/// `analyse` over the posts of one window, on the blocking pool.
pub(super) async fn over_window<T: Send + 'static>(
    permits: &Arc<Semaphore>,
    posts: Vec<WindowPost>,
    window: TimeWindow,
    analyse: impl FnOnce(&[ChatMessage<'_>], TimeWindow) -> T + Send + 'static,
) -> Result<T, StatsError> {
    offload(permits, move || analyse(&views(&posts), window)).await
}

/// Runs CPU-bound `work` on the blocking pool once a permit is free: the async workers keep
/// serving while it runs, and at most `max_concurrent` computations share the cores.
async fn offload<T: Send + 'static>(
    permits: &Arc<Semaphore>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StatsError> {
    let permit =
        permits.clone().acquire_owned().await.map_err(|e| StatsError::Compute(e.to_string()))?;
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await;
    result.map_err(|e| StatsError::Compute(e.to_string()))
}
