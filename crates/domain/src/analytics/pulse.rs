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
    let step = bucket.num_nanoseconds().filter(|&n| n > 0).map(i128::from);
    let Some(step) = step.or_else(|| {
        // Buckets too long for i64 nanoseconds (centuries) still have a valid millisecond count.
        (bucket > TimeDelta::zero()).then(|| i128::from(bucket.num_milliseconds()) * 1_000_000)
    }) else {
        return Err(AnalyticsError::NonPositiveBucket);
    };
    if window.is_empty() {
        return Ok(Vec::new());
    }
    let nanos = |at: DateTime<Utc>| {
        i128::from(at.timestamp()) * 1_000_000_000 + i128::from(at.timestamp_subsec_nanos())
    };
    let first = nanos(window.start).div_euclid(step);
    let last = (nanos(window.end) - 1).div_euclid(step);
    let buckets = u64::try_from(last - first + 1).unwrap_or(u64::MAX);
    if buckets > MAX_BUCKETS {
        return Err(AnalyticsError::TooManyBuckets { buckets, limit: MAX_BUCKETS });
    }
    let mut counts = vec![0_u64; usize::try_from(buckets).unwrap_or(0)];
    for m in messages.iter().filter(|m| window.contains(m.posted_at)) {
        let index = nanos(m.posted_at).div_euclid(step) - first;
        if let Some(c) = usize::try_from(index).ok().and_then(|i| counts.get_mut(i)) {
            *c += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(0);
    let mut points = Vec::with_capacity(counts.len());
    for (i, count) in counts.into_iter().enumerate() {
        let start_nanos = (first + i128::try_from(i).unwrap_or(0)) * step;
        let secs = i64::try_from(start_nanos.div_euclid(1_000_000_000)).unwrap_or(i64::MIN);
        let sub = u32::try_from(start_nanos.rem_euclid(1_000_000_000)).unwrap_or(0);
        let time = DateTime::from_timestamp(secs, sub).unwrap_or(DateTime::<Utc>::MIN_UTC);
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
    fn serializes_time_in_iso_8601() {
        let posts = [ChatMessage::new("a", "x", at(9, 10))];
        let points = pulse(&posts, TimeWindow::new(at(9, 0), at(10, 0)), DEFAULT_BUCKET).unwrap();
        let json = serde_json::to_string(&points).unwrap();
        assert_eq!(json, r#"[{"rate":1.0,"time":"2024-05-01T09:00:00Z"}]"#);
    }
}
