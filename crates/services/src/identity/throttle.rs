//! Rate limits and failed-login throttling over the throttle store.

use chrono::{DateTime, Utc};
use switchboard_ports::{StoreError, ThrottleStore, ThrottleWindow};

use super::RateLimit;

/// Seconds until `window` resets, rounded up (a client that waits this long is let in), at
/// least 1. Whole microseconds only: stores keep no finer time (PostgreSQL rounds to them), and
/// truncating to seconds would tell the client to come back while still throttled.
pub fn retry_after(window: &ThrottleWindow, now: DateTime<Utc>) -> u64 {
    let micros = (window.resets_at - now).num_microseconds().unwrap_or(i64::MAX);
    u64::try_from(micros).unwrap_or(0).div_ceil(1_000_000).max(1)
}

/// `Some(retry_after)` when the hit just counted in `window` went past the limit.
pub fn exceeded(window: &ThrottleWindow, limit: RateLimit, now: DateTime<Utc>) -> Option<u64> {
    (window.hits > limit.limit).then(|| retry_after(window, now))
}

/// `Some(retry_after)` when a running `window` already reached the limit.
pub fn reached(
    window: Option<&ThrottleWindow>,
    limit: RateLimit,
    now: DateTime<Utc>,
) -> Option<u64> {
    window.filter(|w| w.hits >= limit.limit).map(|w| retry_after(w, now))
}

/// Counts a hit; `Some(retry_after)` when it goes past the limit.
pub async fn hit<T: ThrottleStore>(
    tx: &mut T,
    bucket: &str,
    limit: RateLimit,
    now: DateTime<Utc>,
) -> Result<Option<u64>, StoreError> {
    let window = tx.throttle_hit(bucket, limit.window, now).await?;
    Ok(exceeded(&window, limit, now))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let now = Utc.timestamp_opt(1_700_000_000, 123_456_789).single().unwrap_or_default();
        let at = |d: Duration| retry_after(&ThrottleWindow { hits: 1, resets_at: now + d }, now);
        assert_eq!(at(Duration::seconds(60)), 60);
        assert_eq!(at(Duration::seconds(60) - Duration::nanoseconds(789)), 60, "stored in µs");
        assert_eq!(at(Duration::seconds(60) + Duration::nanoseconds(211)), 60, "stored in µs");
        assert_eq!(at(Duration::milliseconds(59_001)), 60);
        assert_eq!(at(Duration::milliseconds(400)), 1);
        assert_eq!(at(Duration::seconds(-3)), 1);
    }
}
