//! A channel's stored analytics: what the stats routes answer for their default windows,
//! computed in the background and kept until posts arrive or the window moves on.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::analytics::{
    ChatMessage, LexRankOptions, Parallelism, TimeWindow, hot_topics, most_active,
    representative_messages, summary,
};
use crate::chat_sources::ChannelId;

/// A post quoted as representative of its window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The author's display name.
    pub username: String,
    /// The post's text, as posted.
    pub message: String,
}

/// What the text analytics answer for one window: the part of [`ChannelStats`] that does not
/// depend on where it is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowStats {
    /// Posts analysed in the window.
    pub posts: u32,
    /// Authors by post count, busiest first.
    pub most_active: Vec<String>,
    /// Phrases that stand out against the history before the window.
    pub hot_topics: Vec<String>,
    /// The most central posts, in time order.
    pub representative: Vec<Quote>,
    /// The most central sentences, joined, in time order.
    pub summary: String,
}

/// How the stored statistics are computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatsSettings {
    /// The window of most active, hot topics, representative messages and summary, ending at
    /// the time of computation (default one day).
    pub window: TimeDelta,
    /// How far before the window hot topics look for what is usual (default seven days).
    pub history: TimeDelta,
    /// Most active authors kept (default 10).
    pub most_active: usize,
    /// Hot topics kept (default 10).
    pub hot_topics: usize,
    /// Representative messages and summary sentences (default: 5 of each).
    pub lexrank: LexRankOptions,
}

impl Default for StatsSettings {
    fn default() -> Self {
        Self {
            window: TimeDelta::days(1),
            history: TimeDelta::days(7),
            most_active: 10,
            hot_topics: 10,
            lexrank: LexRankOptions::default(),
        }
    }
}

impl StatsSettings {
    /// The window ending at `end`.
    pub fn window_ending_at(&self, end: DateTime<Utc>) -> TimeWindow {
        TimeWindow::ending_at(end, self.window)
    }

    /// The history before the window ending at `end`.
    pub fn history_before(&self, end: DateTime<Utc>) -> TimeWindow {
        let window = self.window_ending_at(end);
        TimeWindow::ending_at(window.start, self.history)
    }
}

impl WindowStats {
    /// Every statistic of `window` over `messages` (the window's posts and, for hot topics,
    /// the history before it; anything else is ignored), the parallel parts on `parallelism`.
    /// Messages marked [`ChatMessage::bot`] count in `posts`, the representative messages and
    /// the summary, not in most active nor hot topics.
    pub fn compute(
        messages: &[ChatMessage<'_>],
        window: TimeWindow,
        settings: &StatsSettings,
        parallelism: &dyn Parallelism,
    ) -> Self {
        let posts = messages.iter().filter(|m| window.contains(m.posted_at)).count();
        // Most active and hot topics are about people: bots left out (marked by the caller
        // unless their channel includes them) count only in the summaries.
        let people: Vec<ChatMessage<'_>>;
        let people = if messages.iter().any(|m| m.bot) {
            people = messages.iter().filter(|m| !m.bot).copied().collect();
            &people[..]
        } else {
            messages
        };
        Self {
            posts: u32::try_from(posts).unwrap_or(u32::MAX),
            most_active: most_active(people, window, settings.most_active)
                .into_iter()
                .map(|u| u.name.to_owned())
                .collect(),
            hot_topics: hot_topics(people, window, settings.hot_topics)
                .into_iter()
                .map(|t| t.phrase)
                .collect(),
            representative: representative(messages, window, &settings.lexrank, parallelism),
            summary: summary(messages, window, &settings.lexrank, parallelism).text(),
        }
    }
}

/// The representative messages of `window` as quotes.
pub fn representative(
    messages: &[ChatMessage<'_>],
    window: TimeWindow,
    options: &LexRankOptions,
    parallelism: &dyn Parallelism,
) -> Vec<Quote> {
    representative_messages(messages, window, options, parallelism)
        .into_iter()
        .map(|m| Quote { username: m.username.to_owned(), message: m.message.to_owned() })
        .collect()
}

/// A channel's statistics for the window of [`StatsSettings::window`] ending at `window_end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelStats {
    /// The channel.
    pub channel_id: ChannelId,
    /// The end of the window analysed (exclusive); it starts one window length before.
    pub window_end: DateTime<Utc>,
    /// When they were computed.
    pub computed_at: DateTime<Utc>,
    /// The statistics.
    pub stats: WindowStats,
}

impl ChannelStats {
    /// The statistics of `channel` for the window ending at `now`, from `messages` (its posts
    /// of the window and of the history before it), the parallel parts on `parallelism`.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use switchboard_domain::analytics::{ChatMessage, Sequential};
    /// use switchboard_domain::chat_sources::ChannelId;
    /// use switchboard_domain::chat_stats::{ChannelStats, StatsSettings};
    ///
    /// let now = Utc.with_ymd_and_hms(2024, 5, 8, 12, 0, 0).unwrap();
    /// let posts = [
    ///     ChatMessage::new("ada", "The database migration starts at noon", now - TimeDelta::hours(2)),
    ///     ChatMessage::new("bob", "Is the database migration reversible?", now - TimeDelta::hours(1)),
    ///     ChatMessage::new("ada", "old news", now - TimeDelta::days(3)),
    /// ];
    /// let settings = StatsSettings::default();
    /// let stats = ChannelStats::compute(ChannelId::new(), &posts, now, &settings, &Sequential);
    /// assert_eq!(stats.stats.posts, 2);
    /// assert_eq!(stats.stats.most_active, ["ada", "bob"]);
    /// ```
    pub fn compute(
        channel_id: ChannelId,
        messages: &[ChatMessage<'_>],
        now: DateTime<Utc>,
        settings: &StatsSettings,
        parallelism: &dyn Parallelism,
    ) -> Self {
        let window = settings.window_ending_at(now);
        Self {
            channel_id,
            window_end: now,
            computed_at: now,
            stats: WindowStats::compute(messages, window, settings, parallelism),
        }
    }
}

/// The longest window a client may ask about (`time` older than this is moved up to it).
pub const MAX_SINCE: TimeDelta = TimeDelta::days(30);

/// The window from `since` until `now`, starting no earlier than `max_length` before `now`;
/// empty when `since` is not before `now`.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::chat_stats::{window_since, MAX_SINCE};
///
/// let now = Utc.with_ymd_and_hms(2024, 5, 8, 12, 0, 0).unwrap();
/// let old = window_since(now - TimeDelta::days(90), now, MAX_SINCE);
/// assert_eq!(old.start, now - MAX_SINCE);
/// assert!(window_since(now + TimeDelta::hours(1), now, MAX_SINCE).is_empty());
/// ```
pub fn window_since(since: DateTime<Utc>, now: DateTime<Utc>, max_length: TimeDelta) -> TimeWindow {
    let earliest = TimeWindow::ending_at(now, max_length).start;
    TimeWindow::new(since.max(earliest), now)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::analytics::Sequential;

    #[test]
    fn bots_count_in_summaries_not_in_most_active_or_hot_topics() {
        let now = Utc.with_ymd_and_hms(2024, 5, 8, 12, 0, 0).unwrap();
        let at = |h| now - TimeDelta::hours(h);
        let bot = "Deploy finished: release train green";
        let posts = [
            ChatMessage::new("ada", "The database migration starts at noon", at(5)).by_id("U1"),
            ChatMessage::new("ci", bot, at(4)).by_id("B1").from_bot(),
            ChatMessage::new("ci", bot, at(3)).by_id("B1").from_bot(),
            ChatMessage::new("ci", bot, at(2)).by_id("B1").from_bot(),
        ];
        let settings = StatsSettings::default();
        let stats =
            WindowStats::compute(&posts, settings.window_ending_at(now), &settings, &Sequential);
        assert_eq!(stats.posts, 4);
        assert_eq!(stats.most_active, ["ada"]);
        assert!(stats.hot_topics.iter().all(|t| !t.contains("release")), "{:?}", stats.hot_topics);
        assert!(stats.representative.iter().any(|q| q.username == "ci"));
        // The same posts, the bot counted as a person.
        let counted: Vec<ChatMessage<'_>> =
            posts.iter().map(|m| ChatMessage { bot: false, ..*m }).collect();
        let stats =
            WindowStats::compute(&counted, settings.window_ending_at(now), &settings, &Sequential);
        assert_eq!(stats.most_active, ["ci", "ada"]);
        assert!(stats.hot_topics.iter().any(|t| t.contains("release")), "{:?}", stats.hot_topics);
        assert!(!stats.summary.is_empty());
    }
}
