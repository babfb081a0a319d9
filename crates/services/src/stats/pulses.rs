//! The pulses computed lately, each kept with the version of what it counts and its window.
//!
//! A channel's pulse changes only when its posts are written or when the window moves on to
//! the next hour; a mail account's (or one of its folders') only when its hourly counts change
//! or the window moves on to the next hour or day. So a request reads the version (one
//! indexed read, which also checks the owner) and serves the kept pulse while both are
//! unchanged, instead of reading and folding the window's 168 hourly counts (or 720 of a daily
//! mail pulse) again.
//!
//! The version is read before the counts: a pulse is kept under a version at least as old as
//! its counts, never newer, so a kept pulse is never older than what a fresh read would give.

use std::hash::Hash;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use quick_cache::sync::Cache;
use switchboard_domain::analytics::{PulsePoint, TimeWindow};

#[derive(Debug)]
struct Kept {
    version: u64,
    window_start: DateTime<Utc>,
    points: Arc<[PulsePoint]>,
}

/// Pulses by what they count (`K`: a channel, or a mail account with its folder and bucket),
/// at most `capacity` of them (least used first out).
#[derive(Debug)]
pub(super) struct Pulses<K> {
    kept: Cache<K, Arc<Kept>>,
}

impl<K: Eq + Hash + Clone> Pulses<K> {
    /// `None` when `capacity` is 0: no pulse is kept.
    pub(super) fn new(capacity: usize) -> Option<Self> {
        (capacity > 0).then(|| Self { kept: Cache::new(capacity) })
    }

    /// The pulse kept for `key` at `version` over `window`, if any.
    pub(super) fn get(&self, key: &K, version: u64, window: TimeWindow) -> Option<Vec<PulsePoint>> {
        let kept = self.kept.get(key)?;
        (kept.version == version && kept.window_start == window.start).then(|| kept.points.to_vec())
    }

    /// Keeps `points`, computed from counts read after `version`.
    pub(super) fn put(&self, key: K, version: u64, window: TimeWindow, points: &[PulsePoint]) {
        let kept = Kept { version, window_start: window.start, points: points.into() };
        self.kept.insert(key, Arc::new(kept));
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::expect_used, reason = "tests")]

    use chrono::TimeDelta;
    use switchboard_domain::chat_sources::ChannelId;

    use super::*;

    fn window(start: DateTime<Utc>) -> TimeWindow {
        TimeWindow::new(start, start + TimeDelta::days(7))
    }

    fn point(rate: f64, time: DateTime<Utc>) -> PulsePoint {
        PulsePoint { rate, time, count: 1 }
    }

    #[test]
    fn a_pulse_is_served_again_only_at_the_same_version_and_window() {
        let pulses = Pulses::new(8).expect("a cache");
        let channel = ChannelId::new();
        let start = DateTime::from_timestamp(1_700_000_000, 0).expect("a time");
        let points = [point(1.0, start), point(0.5, start + TimeDelta::hours(1))];
        assert_eq!(pulses.get(&channel, 3, window(start)), None);

        pulses.put(channel, 3, window(start), &points);
        assert_eq!(pulses.get(&channel, 3, window(start)).as_deref(), Some(&points[..]));
        assert_eq!(pulses.get(&channel, 4, window(start)), None, "posts written since");
        let next_hour = window(start + TimeDelta::hours(1));
        assert_eq!(pulses.get(&channel, 3, next_hour), None, "the window moved on");
        assert_eq!(pulses.get(&ChannelId::new(), 3, window(start)), None, "another channel");
    }

    #[test]
    fn no_capacity_keeps_nothing() {
        assert!(Pulses::<ChannelId>::new(0).is_none());
    }
}
