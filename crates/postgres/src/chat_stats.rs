//! The channel analytics' store: [`crate::PgTx`] as [`ChatStatsStore`]. The pulse reads the
//! hourly rollup `chat_post_hours` and the counters of `chat_post_versions` (both kept by
//! triggers on `chat_posts`, see the migrations); the statistics are one row per channel in
//! `chat_channel_stats`.

mod hours;
mod posts;
mod stored;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::ChannelStats;
use switchboard_ports::{ChatStatsStore, HourlyCount, StoreError, WindowPost};

use crate::PgTx;

impl ChatStatsStore for PgTx {
    async fn chat_window_posts(
        &mut self,
        channels: &[ChannelId],
        window: TimeWindow,
        limit: usize,
    ) -> Result<Vec<WindowPost>, StoreError> {
        posts::window(self, channels, window, limit).await
    }

    async fn channel_hourly_posts(
        &mut self,
        owner: UserId,
        channel: ChannelId,
        window: TimeWindow,
    ) -> Result<Option<Vec<HourlyCount>>, StoreError> {
        hours::of_channel(self, owner, channel, window).await
    }

    async fn channel_posts_version(
        &mut self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Option<u64>, StoreError> {
        hours::version(self, owner, channel).await
    }

    async fn followed_hourly_posts(
        &mut self,
        owner: UserId,
        window: TimeWindow,
    ) -> Result<Vec<HourlyCount>, StoreError> {
        hours::of_followed(self, owner, window).await
    }

    async fn channel_stats(
        &mut self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Option<Option<ChannelStats>>, StoreError> {
        stored::of_channel(self, owner, channel).await
    }

    async fn save_channel_stats(&mut self, stats: &[ChannelStats]) -> Result<(), StoreError> {
        stored::save(self, stats).await
    }

    async fn stale_channel_stats(
        &mut self,
        ended_before: DateTime<Utc>,
        lookback: TimeDelta,
        limit: usize,
    ) -> Result<Vec<ChannelId>, StoreError> {
        stored::stale(self, ended_before, lookback, limit).await
    }
}
