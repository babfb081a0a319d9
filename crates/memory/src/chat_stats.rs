//! [`MemoryTx`] as the channel analytics' store: hourly counts computed from the posts.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::UserId;
use switchboard_domain::analytics::{TimeWindow, bucket_start};
use switchboard_domain::chat::{ChatPost, PostKind};
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::ChannelStats;
use switchboard_ports::{ChatStatsStore, HourlyCount, StoreError, WindowPost};

use crate::MemoryTx;

fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    bucket_start(at, TimeDelta::hours(1))
}

impl MemoryTx {
    /// The channel's live posts that are analysed: not deleted, not the system's.
    fn live_posts(&self, channel: ChannelId) -> impl Iterator<Item = &ChatPost> {
        self.state
            .chat
            .posts
            .get(&channel)
            .into_iter()
            .flat_map(BTreeMap::values)
            .filter(|p| !p.deleted && p.kind != PostKind::System)
    }

    fn count_hours(&self, channels: &[ChannelId], window: TimeWindow) -> Vec<HourlyCount> {
        let mut hours: BTreeMap<DateTime<Utc>, u64> = BTreeMap::new();
        for channel in channels {
            for post in self.live_posts(*channel) {
                let hour = hour_of(post.posted_at);
                if window.contains(hour) {
                    *hours.entry(hour).or_default() += 1;
                }
            }
        }
        hours.into_iter().map(|(hour, posts)| HourlyCount { hour, posts }).collect()
    }

    fn owns(&self, owner: UserId, channel: ChannelId) -> bool {
        self.state.chat.channels.get(&channel).is_some_and(|c| c.owner_id == owner)
    }
}

impl ChatStatsStore for MemoryTx {
    async fn chat_window_posts(
        &mut self,
        channels: &[ChannelId],
        window: TimeWindow,
        limit: usize,
    ) -> Result<Vec<WindowPost>, StoreError> {
        let mut found = Vec::new();
        for &channel in channels {
            let include_bots =
                self.state.chat.channels.get(&channel).is_some_and(|c| c.include_bots);
            let mut posts: Vec<&ChatPost> =
                self.live_posts(channel).filter(|p| window.contains(p.posted_at)).collect();
            posts.sort_by_key(|p| std::cmp::Reverse(p.posted_at));
            found.extend(posts.into_iter().take(limit).map(|p| {
                WindowPost {
                    channel_id: channel,
                    author_id: p.author_id.clone(),
                    author: [p.author_name.as_deref(), Some(p.author_id.as_str())]
                        .into_iter()
                        .flatten()
                        .find(|n| !n.is_empty())
                        .unwrap_or(p.kind.as_str())
                        .to_owned(),
                    bot: p.kind == PostKind::Bot && !include_bots,
                    text: p.text.clone(),
                    posted_at: p.posted_at,
                }
            }));
        }
        Ok(found)
    }

    async fn channel_hourly_posts(
        &mut self,
        owner: UserId,
        channel: ChannelId,
        window: TimeWindow,
    ) -> Result<Option<Vec<HourlyCount>>, StoreError> {
        Ok(self.owns(owner, channel).then(|| self.count_hours(&[channel], window)))
    }

    async fn channel_posts_version(
        &mut self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Option<u64>, StoreError> {
        let version = self.state.chat.post_versions.get(&channel).copied().unwrap_or(0);
        Ok(self.owns(owner, channel).then_some(version))
    }

    async fn followed_hourly_posts(
        &mut self,
        owner: UserId,
        window: TimeWindow,
    ) -> Result<Vec<HourlyCount>, StoreError> {
        let channels: Vec<ChannelId> = (self.state.chat.channels.values())
            .filter(|c| c.owner_id == owner && c.followed)
            .map(|c| c.id)
            .collect();
        Ok(self.count_hours(&channels, window))
    }

    async fn channel_stats(
        &mut self,
        owner: UserId,
        channel: ChannelId,
    ) -> Result<Option<Option<ChannelStats>>, StoreError> {
        Ok(self.owns(owner, channel).then(|| self.state.chat.stats.get(&channel).cloned()))
    }

    async fn save_channel_stats(&mut self, stats: &[ChannelStats]) -> Result<(), StoreError> {
        for s in stats {
            if !self.state.chat.channels.contains_key(&s.channel_id) {
                continue;
            }
            let stored = self.state.chat.stats.get(&s.channel_id);
            if stored.is_none_or(|stored| stored.window_end <= s.window_end) {
                self.state.chat.stats.insert(s.channel_id, s.clone());
            }
        }
        Ok(())
    }

    async fn stale_channel_stats(
        &mut self,
        ended_before: DateTime<Utc>,
        lookback: TimeDelta,
        limit: usize,
    ) -> Result<Vec<ChannelId>, StoreError> {
        let mut stale: Vec<&ChannelStats> = (self.state.chat.stats.values())
            .filter(|s| s.window_end < ended_before)
            .filter(|s| {
                let since = s.window_end - lookback;
                let posts = self.state.chat.posts.get(&s.channel_id);
                posts.into_iter().flat_map(BTreeMap::values).any(|p| p.posted_at >= since)
            })
            .collect();
        stale.sort_by_key(|s| s.window_end);
        Ok(stale.into_iter().take(limit).map(|s| s.channel_id).collect())
    }
}
