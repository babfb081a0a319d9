//! The store of channel analytics: the posts a computation reads, the hourly post counts the
//! pulse reads, and the stored statistics, implemented by each adapter's transaction type.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::ChannelStats;

use crate::StoreError;

/// A live post as the analytics read it (never the system's: those are not analysed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowPost {
    /// Its channel.
    pub channel_id: ChannelId,
    /// The author's provider id (a person's, a bot's, `webhook:<name>`): what the analytics
    /// count authors by.
    pub author_id: String,
    /// The author's name (their provider id when the name is unknown).
    pub author: String,
    /// A bot's or webhook's post that its channel leaves out of most active and hot topics
    /// (false for every post of a channel that includes its bots).
    pub bot: bool,
    /// The text, as posted.
    pub text: String,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
}

/// Live posts of one hour (the hour's start, UTC) of one or more channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourlyCount {
    /// The start of the hour.
    pub hour: DateTime<Utc>,
    /// Posts posted in it and not deleted.
    pub posts: u64,
}

/// Channel analytics' reads and writes. Deleted posts never count.
pub trait ChatStatsStore: Send {
    /// The live posts of `channels` posted in `window`, the system's excluded, at most the
    /// `limit` latest of each channel, in one round trip.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn chat_window_posts(
        &mut self,
        channels: &[ChannelId],
        window: TimeWindow,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<WindowPost>, StoreError>> + Send;

    /// Live posts per hour of `owner`'s channel `channel`, for the hours starting in `window`
    /// (hours without posts may be left out); `None` when `owner` has no such channel.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn channel_hourly_posts(
        &mut self,
        owner: UserId,
        channel: ChannelId,
        window: TimeWindow,
    ) -> impl Future<Output = Result<Option<Vec<HourlyCount>>, StoreError>> + Send;

    /// A number that changes whenever the posts of `owner`'s channel `channel` are written
    /// (added, edited, deleted), read without reading the posts or their hours; `None` when
    /// `owner` has no such channel. Equal numbers mean the hourly counts have not changed, so a
    /// pulse computed after reading it can be served again while it stays the same.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn channel_posts_version(
        &mut self,
        owner: UserId,
        channel: ChannelId,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// Live posts per hour over every followed channel of `owner`, summed, for the hours
    /// starting in `window` (hours without posts may be left out).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn followed_hourly_posts(
        &mut self,
        owner: UserId,
        window: TimeWindow,
    ) -> impl Future<Output = Result<Vec<HourlyCount>, StoreError>> + Send;

    /// The stored statistics of `owner`'s channel `channel`: `None` when `owner` has no such
    /// channel, `Some(None)` when none were computed yet.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn channel_stats(
        &mut self,
        owner: UserId,
        channel: ChannelId,
    ) -> impl Future<Output = Result<Option<Option<ChannelStats>>, StoreError>> + Send;

    /// Stores statistics, replacing those of the same channel unless theirs end later;
    /// statistics of a channel that no longer exists are dropped.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn save_channel_stats(
        &mut self,
        stats: &[ChannelStats],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Channels whose stored statistics end before `ended_before` and which have posts posted
    /// at or after their window's end minus `lookback` (moving the window may change them),
    /// stalest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn stale_channel_stats(
        &mut self,
        ended_before: DateTime<Utc>,
        lookback: chrono::TimeDelta,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<ChannelId>, StoreError>> + Send;
}
