//! Pulse: how busy a channel was, bucket by bucket.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::error::AnalyticsError;
use super::message::{ChatMessage, TimeWindow};

/// The most buckets [`pulse`] allocates (a year of minutes is 525,600).
pub const MAX_BUCKETS: u64 = 1_000_000;

/// The default pulse window: seven days.
pub const DEFAULT_WINDOW: TimeDelta = TimeDelta::days(7);

/// The default bucket: one hour.
pub const DEFAULT_BUCKET: TimeDelta = TimeDelta::hours(1);

/// One bucket of a pulse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PulsePoint {
    /// The bucket's post count divided by the busiest bucket's, in `[0, 1]`.
    pub rate: f64,
    /// The start of the bucket (serialized in ISO 8601 / RFC 3339).
    pub time: DateTime<Utc>,
    /// How many posts fell in the bucket.
    #[serde(skip)]
    pub count: u64,
}

/// Post counts per bucket of `bucket` over `window`, as rates relative to the busiest bucket.
///
/// # Algorithm
/// Buckets are aligned on multiples of `bucket` since the Unix epoch (hourly buckets start on
/// the hour, UTC): the first bucket is the one holding `window.start`, the last the one holding
/// the window's last instant, so the first and last may be partly outside the window; only
/// posts inside the window are counted. One pass counts the posts (`O(n + buckets)`), then
/// `rate = count / max(count)`. Every bucket is returned, empty ones with rate 0; when the
/// window holds no post every rate is 0, and an empty window (`end <= start`) gives no bucket.
///
/// # Errors
/// [`AnalyticsError::NonPositiveBucket`] if `bucket <= 0`, and
/// [`AnalyticsError::TooManyBuckets`] if the window holds more than [`MAX_BUCKETS`] buckets.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::{pulse, ChatMessage, TimeWindow};
///
/// let t = |h, m| Utc.with_ymd_and_hms(2024, 5, 1, h, m, 0).unwrap();
/// let posts = [
///     ChatMessage::new("ada", "hi", t(9, 5)),
///     ChatMessage::new("bob", "hello", t(9, 40)),
///     ChatMessage::new("ada", "lunch?", t(11, 0)),
/// ];
/// let window = TimeWindow::new(t(9, 0), t(12, 0));
/// let points = pulse(&posts, window, TimeDelta::hours(1))?;
/// let rates: Vec<f64> = points.iter().map(|p| p.rate).collect();
/// assert_eq!(rates, [1.0, 0.0, 0.5]);
/// assert_eq!(points[1].time, t(10, 0));
/// # Ok::<(), switchboard_domain::analytics::AnalyticsError>(())
/// ```
pub fn pulse(
    messages: &[ChatMessage<'_>],
    window: TimeWindow,
    bucket: TimeDelta,
) -> Result<Vec<PulsePoint>, AnalyticsError> {
    let inside = messages.iter().filter(|m| window.contains(m.posted_at));
    bucketed(inside.map(|m| (m.posted_at, 1)), window, bucket)
}

/// The pulse of posts already counted: `counts` gives a number of posts at an instant (for
/// example an hourly rollup: each hour's start and its post count), in any order.
///
/// # Algorithm
/// As [`pulse`], each count added to the bucket holding its instant; counts outside the
/// window are ignored. With counts per hour and hourly buckets (or buckets a whole number of
/// hours long) over a window of whole buckets ([`recent_buckets`]), the answer is exactly
/// [`pulse`] of the posts counted.
///
/// # Errors
/// As [`pulse`].
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::{pulse_of_counts, TimeWindow};
///
/// let t = |h| Utc.with_ymd_and_hms(2024, 5, 1, h, 0, 0).unwrap();
/// let window = TimeWindow::new(t(9), t(12));
/// let points = pulse_of_counts([(t(9), 4), (t(11), 2)], window, TimeDelta::hours(1))?;
/// let rates: Vec<f64> = points.iter().map(|p| p.rate).collect();
/// assert_eq!(rates, [1.0, 0.0, 0.5]);
/// # Ok::<(), switchboard_domain::analytics::AnalyticsError>(())
/// ```
pub fn pulse_of_counts(
    counts: impl IntoIterator<Item = (DateTime<Utc>, u64)>,
    window: TimeWindow,
    bucket: TimeDelta,
) -> Result<Vec<PulsePoint>, AnalyticsError> {
    let inside = counts.into_iter().filter(|(at, _)| window.contains(*at));
    bucketed(inside, window, bucket)
}

/// The window of `length` made of whole buckets that ends with the bucket holding `now`
/// (buckets aligned as in [`pulse`]): for hourly buckets over seven days, the 168 hours whose
/// last is the current one. Its pulse has exactly `length / bucket` points, and post counts
/// kept per bucket answer it exactly. A non-positive `bucket` gives the plain window of
/// `length` ending at `now`.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::recent_buckets;
///
/// let now = Utc.with_ymd_and_hms(2024, 5, 8, 9, 41, 0).unwrap();
/// let week = recent_buckets(now, TimeDelta::days(7), TimeDelta::hours(1));
/// assert_eq!(week.end, Utc.with_ymd_and_hms(2024, 5, 8, 10, 0, 0).unwrap());
/// assert_eq!(week.start, Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap());
/// ```
pub fn recent_buckets(now: DateTime<Utc>, length: TimeDelta, bucket: TimeDelta) -> TimeWindow {
    let Some(step) = step_nanos(bucket) else { return TimeWindow::ending_at(now, length) };
    let end = instant(nanos(bucket_start(now, bucket)) + step);
    TimeWindow::ending_at(end, length)
}

/// The start of the bucket of `bucket` holding `at`, buckets aligned on the Unix epoch as
/// [`pulse`] and [`recent_buckets`] align them (hours on the hour, days at midnight UTC). A
/// non-positive `bucket` gives `at`.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use switchboard_domain::analytics::bucket_start;
///
/// let at = Utc.with_ymd_and_hms(2024, 5, 8, 9, 41, 0).unwrap();
/// let hour = Utc.with_ymd_and_hms(2024, 5, 8, 9, 0, 0).unwrap();
/// assert_eq!(bucket_start(at, TimeDelta::hours(1)), hour);
/// let midnight = Utc.with_ymd_and_hms(2024, 5, 8, 0, 0, 0).unwrap();
/// assert_eq!(bucket_start(at, TimeDelta::days(1)), midnight);
/// ```
pub fn bucket_start(at: DateTime<Utc>, bucket: TimeDelta) -> DateTime<Utc> {
    match step_nanos(bucket) {
        Some(step) => instant(nanos(at).div_euclid(step) * step),
        None => at,
    }
}

fn step_nanos(bucket: TimeDelta) -> Option<i128> {
    let step = bucket.num_nanoseconds().filter(|&n| n > 0).map(i128::from);
    step.or_else(|| {
        // Buckets too long for i64 nanoseconds (centuries) still have a valid millisecond count.
        (bucket > TimeDelta::zero()).then(|| i128::from(bucket.num_milliseconds()) * 1_000_000)
    })
}

fn nanos(at: DateTime<Utc>) -> i128 {
    i128::from(at.timestamp()) * 1_000_000_000 + i128::from(at.timestamp_subsec_nanos())
}

fn instant(nanos: i128) -> DateTime<Utc> {
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap_or(i64::MIN);
    let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap_or(0);
    DateTime::from_timestamp(secs, sub).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Adds each `(instant, weight)` of the window to its bucket, then turns counts into rates.
fn bucketed(
    weights: impl Iterator<Item = (DateTime<Utc>, u64)>,
    window: TimeWindow,
    bucket: TimeDelta,
) -> Result<Vec<PulsePoint>, AnalyticsError> {
    let Some(step) = step_nanos(bucket) else {
        return Err(AnalyticsError::NonPositiveBucket);
    };
    if window.is_empty() {
        return Ok(Vec::new());
    }
    let first = nanos(window.start).div_euclid(step);
    let last = (nanos(window.end) - 1).div_euclid(step);
    let buckets = u64::try_from(last - first + 1).unwrap_or(u64::MAX);
    if buckets > MAX_BUCKETS {
        return Err(AnalyticsError::TooManyBuckets { buckets, limit: MAX_BUCKETS });
    }
    let mut counts = vec![0_u64; usize::try_from(buckets).unwrap_or(0)];
    for (at, weight) in weights {
        let index = nanos(at).div_euclid(step) - first;
        if let Some(c) = usize::try_from(index).ok().and_then(|i| counts.get_mut(i)) {
            *c += weight;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    let mut points = Vec::with_capacity(counts.len());
    for (i, count) in counts.into_iter().enumerate() {
        let time = instant((first + i128::try_from(i).unwrap_or(0)) * step);
        #[expect(clippy::cast_precision_loss, reason = "post counts are far below 2^52")]
        let rate = if max == 0 { 0.0 } else { count as f64 / max as f64 };
        points.push(PulsePoint { rate, time, count });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use chrono::TimeZone;

    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, h, m, 0).unwrap()
    }

    #[test]
    fn counts_only_the_window_and_aligns_buckets_on_the_hour() {
        let posts = [
            ChatMessage::new("a", "x", at(8, 59)),
            ChatMessage::new("a", "x", at(9, 31)),
            ChatMessage::new("a", "x", at(9, 45)),
            ChatMessage::new("a", "x", at(10, 15)),
            ChatMessage::new("a", "x", at(11, 30)),
        ];
        let points = pulse(&posts, TimeWindow::new(at(9, 30), at(11, 30)), DEFAULT_BUCKET).unwrap();
        let times: Vec<_> = points.iter().map(|p| p.time).collect();
        assert_eq!(times, [at(9, 0), at(10, 0), at(11, 0)]);
        let counts: Vec<_> = points.iter().map(|p| p.count).collect();
        assert_eq!(counts, [2, 1, 0]);
        assert_eq!(points[1].rate, 0.5);
    }

    #[test]
    fn empty_input_gives_zero_rates_and_empty_window_no_buckets() {
        let week = TimeWindow::ending_at(at(0, 0), DEFAULT_WINDOW);
        let points = pulse(&[], week, DEFAULT_BUCKET).unwrap();
        assert_eq!(points.len(), 7 * 24);
        assert!(points.iter().all(|p| p.rate == 0.0));
        assert!(
            pulse(&[], TimeWindow::new(at(1, 0), at(1, 0)), DEFAULT_BUCKET).unwrap().is_empty()
        );
    }

    #[test]
    fn rejects_bad_buckets() {
        let w = TimeWindow::new(at(0, 0), at(1, 0));
        assert_eq!(pulse(&[], w, TimeDelta::zero()), Err(AnalyticsError::NonPositiveBucket));
        assert_eq!(pulse(&[], w, TimeDelta::hours(-1)), Err(AnalyticsError::NonPositiveBucket));
        let huge = TimeWindow::ending_at(at(0, 0), TimeDelta::days(365 * 100));
        assert!(matches!(
            pulse(&[], huge, TimeDelta::seconds(1)),
            Err(AnalyticsError::TooManyBuckets { .. })
        ));
    }

    #[test]
    fn counts_per_hour_give_the_pulse_of_the_posts_over_whole_buckets() {
        let now = at(13, 20);
        let posts: Vec<ChatMessage<'_>> = (0..200)
            .map(|i| ChatMessage::new("a", "x", now - TimeDelta::minutes(i * 37 % 10_000)))
            .collect();
        let window = recent_buckets(now, DEFAULT_WINDOW, DEFAULT_BUCKET);
        assert_eq!(window.end, at(14, 0));
        let mut hours = std::collections::BTreeMap::new();
        for m in &posts {
            let hour = recent_buckets(m.posted_at, DEFAULT_BUCKET, DEFAULT_BUCKET).start;
            *hours.entry(hour).or_insert(0_u64) += 1;
        }
        let direct = pulse(&posts, window, DEFAULT_BUCKET).unwrap();
        let counted = pulse_of_counts(hours, window, DEFAULT_BUCKET).unwrap();
        assert_eq!(direct.len(), 168);
        assert_eq!(direct, counted);
    }

    #[test]
    fn serializes_time_in_iso_8601() {
        let posts = [ChatMessage::new("a", "x", at(9, 10))];
        let points = pulse(&posts, TimeWindow::new(at(9, 0), at(10, 0)), DEFAULT_BUCKET).unwrap();
        let json = serde_json::to_string(&points).unwrap();
        assert_eq!(json, r#"[{"rate":1.0,"time":"2024-05-01T09:00:00Z"}]"#);
    }
}
