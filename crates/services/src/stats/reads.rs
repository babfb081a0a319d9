//! The stats use cases: the pulses, the stored statistics (computed and stored on a miss), the
//! statistics since a time, and the update run by the job.

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::{
    ChatMessage, DEFAULT_BUCKET, DEFAULT_WINDOW, LexRankOptions, Parallelism, PulsePoint,
    TimeWindow, pulse_of_counts, recent_buckets, summary,
};
use switchboard_domain::chat_sources::{Channel, ChannelId};
use switchboard_domain::chat_stats::{
    ChannelStats, MAX_SINCE, Quote, representative, window_since,
};
use switchboard_ports::{ChatStatsStore, ChatStore, Clock, HourlyCount, Ports, UnitOfWork};

use super::compute::{compute, load, over_window};
use super::{StatsError, StatsService};
use crate::events::catch_up;

/// What one run of the update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateOutcome {
    /// Events the channel consumer read.
    pub events: usize,
    /// Events the mail consumer read.
    pub mail_events: usize,
    /// Channels whose window had moved on, recomputed.
    pub refreshed: usize,
}

fn points(counts: Vec<HourlyCount>, window: TimeWindow) -> Result<Vec<PulsePoint>, StatsError> {
    let counts = counts.into_iter().map(|c| (c.hour, c.posts));
    Ok(pulse_of_counts(counts, window, DEFAULT_BUCKET)?)
}

impl<P: Ports> StatsService<P> {
    /// The pulse's window now: the 168 hours ending with the current one.
    fn pulse_window(&self) -> TimeWindow {
        recent_buckets(self.clock.now(), DEFAULT_WINDOW, DEFAULT_BUCKET)
    }

    /// The pulse of all of `owner`'s followed channels together over the default window
    /// (hourly, seven days): one read of the hourly counts.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn pulse(&self, owner: UserId) -> Result<Vec<PulsePoint>, StatsError> {
        let window = self.pulse_window();
        let counts = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, StatsError>(tx.followed_hourly_posts(owner, window).await?)
                })
            })
            .await?;
        points(counts, window)
    }

    /// The pulse of one of `owner`'s channels over the default window. A pulse computed since
    /// the channel's posts were last written, in the window's hour, is served again.
    ///
    /// # Errors
    /// [`StatsError::ChannelNotFound`] when it is not theirs.
    pub async fn channel_pulse(
        &self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Vec<PulsePoint>, StatsError> {
        let window = self.pulse_window();
        let Some(pulses) = &self.pulses else {
            return self.read_channel_pulse(owner, channel, window).await;
        };
        let version = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, StatsError>(tx.channel_posts_version(owner, channel).await?)
                })
            })
            .await?
            .ok_or(StatsError::ChannelNotFound)?;
        if let Some(points) = pulses.get(&channel, version, window) {
            return Ok(points);
        }
        let points = self.read_channel_pulse(owner, channel, window).await?;
        pulses.put(channel, version, window, &points);
        Ok(points)
    }

    /// The pulse of `owner`'s channel over `window`, from its hourly counts.
    async fn read_channel_pulse(
        &self,
        owner: UserId,
        channel: ChannelId,
        window: TimeWindow,
    ) -> Result<Vec<PulsePoint>, StatsError> {
        let counts = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, StatsError>(tx.channel_hourly_posts(owner, channel, window).await?)
                })
            })
            .await?;
        points(counts.ok_or(StatsError::ChannelNotFound)?, window)
    }

    /// The stored statistics of one of `owner`'s channels (the past day): one indexed read.
    /// Missing or older than `max_age`, they are computed, stored and returned.
    ///
    /// # Errors
    /// [`StatsError::ChannelNotFound`] when it is not theirs.
    pub async fn channel_stats(
        &self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<ChannelStats, StatsError> {
        if let Some(stats) = self.fresh_stats(owner, channel).await? {
            return Ok(stats);
        }
        // Requests that miss together compute once; the others then read what it stored.
        let _flight = self.flights.enter(channel).await;
        if let Some(stats) = self.fresh_stats(owner, channel).await? {
            return Ok(stats);
        }
        let mut computed = self.recompute(vec![channel], self.clock.now()).await?;
        computed.pop().ok_or(StatsError::ChannelNotFound)
    }

    /// The stored statistics of `owner`'s channel if younger than `max_age`.
    async fn fresh_stats(
        &self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Option<ChannelStats>, StatsError> {
        let stored = self
            .uow
            .read(move |tx| {
                Box::pin(
                    async move { Ok::<_, StatsError>(tx.channel_stats(owner, channel).await?) },
                )
            })
            .await?;
        let max_age = TimeDelta::from_std(self.policy.max_age).unwrap_or(TimeDelta::MAX);
        let now = self.clock.now();
        Ok(stored.ok_or(StatsError::ChannelNotFound)?.filter(|s| now - s.window_end <= max_age))
    }

    /// Computes and stores the statistics of `channels` ending at `now`, reading outside a
    /// transaction and computing before the (short) one that stores them.
    async fn recompute(
        &self,
        channels: Vec<ChannelId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ChannelStats>, StatsError> {
        let policy = self.policy.clone();
        let loaded = self
            .uow
            .read(move |tx| {
                Box::pin(
                    async move { Ok::<_, StatsError>(load(tx, &channels, now, &policy).await?) },
                )
            })
            .await?;
        let stats = compute(&self.cpu, loaded, now, self.policy.settings).await?;
        let saved = stats.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move { Ok::<_, StatsError>(tx.save_channel_stats(&saved).await?) })
            })
            .await?;
        Ok(stats)
    }

    /// `analyse` over the posts of `owner`'s channel posted since `since` (at most
    /// [`MAX_SINCE`] ago; the latest `max_window_posts`), on the blocking pool; the empty
    /// answer when there are none (`since` not in the past, or a quiet channel).
    async fn analyse_since<T: Default + Send + 'static>(
        &self,
        owner: UserId,
        channel: ChannelId,
        since: DateTime<Utc>,
        analyse: fn(&[ChatMessage<'_>], TimeWindow, &LexRankOptions, &dyn Parallelism) -> T,
    ) -> Result<T, StatsError> {
        let window = window_since(since, self.clock.now(), MAX_SINCE);
        let limit = self.policy.max_window_posts;
        let posts = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    let found = tx.chat_channel(channel).await?;
                    if found.is_none_or(|c| c.owner_id != owner) {
                        return Err(StatsError::ChannelNotFound);
                    }
                    Ok(tx.chat_window_posts(&[channel], window, limit).await?)
                })
            })
            .await?;
        if posts.is_empty() {
            return Ok(T::default());
        }
        let options = self.policy.settings.lexrank;
        over_window(&self.cpu, posts, window, move |m, w, p| analyse(m, w, &options, p)).await
    }

    /// The representative messages of `owner`'s channel posted since `since` (capped at 30
    /// days); none for a time not in the past.
    ///
    /// # Errors
    /// [`StatsError::ChannelNotFound`] when it is not theirs.
    pub async fn representative_since(
        &self,
        owner: UserId,
        channel: ChannelId,
        since: DateTime<Utc>,
    ) -> Result<Vec<Quote>, StatsError> {
        self.analyse_since(owner, channel, since, representative).await
    }

    /// The summary of `owner`'s channel since `since` (capped at 30 days); empty for a time not
    /// in the past.
    ///
    /// # Errors
    /// [`StatsError::ChannelNotFound`] when it is not theirs.
    pub async fn summary_since(
        &self,
        owner: UserId,
        channel: ChannelId,
        since: DateTime<Utc>,
    ) -> Result<String, StatsError> {
        self.analyse_since(owner, channel, since, |m, w, o, p| summary(m, w, o, p).text()).await
    }

    /// `owner`'s followed channels, by name.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn followed_channels(&self, owner: UserId) -> Result<Vec<Channel>, StatsError> {
        let channels = self
            .uow
            .read(move |tx| {
                Box::pin(async move { Ok::<_, StatsError>(tx.chat_channels_of(owner).await?) })
            })
            .await?;
        Ok(channels.into_iter().filter(|c| c.followed).collect())
    }

    /// Brings the stored statistics up to date: the consumer recomputes the channels that
    /// received posts since its checkpoint, then channels whose statistics ended more than
    /// half of `max_age` ago and may change as the window moves are recomputed (at most
    /// `refresh_limit` per run).
    ///
    /// # Errors
    /// A failure of the store or of a computation; what was committed before stays.
    pub async fn update(&self) -> Result<UpdateOutcome, StatsError> {
        let batch = self.policy.batch.max(1);
        let events = catch_up(&self.uow, self.consumer.clone(), batch).await?;
        let mail_events = catch_up(&self.uow, self.mail_consumer.clone(), batch).await?;
        let now = self.clock.now();
        let half = TimeDelta::from_std(self.policy.max_age / 2).unwrap_or(TimeDelta::MAX);
        let ended_before = now.checked_sub_signed(half).unwrap_or(now);
        let lookback = self.policy.settings.window + self.policy.settings.history;
        let mut refreshed = 0;
        while refreshed < self.policy.refresh_limit {
            let step = self.policy.channels_per_step.max(1);
            let stale = self
                .uow
                .read(move |tx| {
                    Box::pin(async move {
                        Ok::<_, StatsError>(
                            tx.stale_channel_stats(ended_before, lookback, step).await?,
                        )
                    })
                })
                .await?;
            if stale.is_empty() {
                break;
            }
            refreshed += stale.len();
            self.recompute(stale, now).await?;
        }
        Ok(UpdateOutcome { events, mail_events, refreshed })
    }
}
