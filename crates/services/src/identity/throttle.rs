//! Rate limits and failed-login throttling over the throttle store.

use chrono::{DateTime, Utc};
use switchboard_ports::{StoreError, ThrottleStore, ThrottleWindow};

use super::RateLimit;

/// Seconds until `window` resets, at least 1.
pub fn retry_after(window: &ThrottleWindow, now: DateTime<Utc>) -> u64 {
    u64::try_from((window.resets_at - now).num_seconds()).unwrap_or(0).max(1)
}

/// Counts a hit; `Some(retry_after)` when it goes past the limit.
pub async fn hit<T: ThrottleStore>(
    tx: &mut T,
    bucket: &str,
    limit: RateLimit,
    now: DateTime<Utc>,
) -> Result<Option<u64>, StoreError> {
    let window = tx.throttle_hit(bucket, limit.window, now).await?;
    Ok((window.hits > limit.limit).then(|| retry_after(&window, now)))
}

/// `Some(retry_after)` when `bucket` already reached its limit.
pub async fn blocked<T: ThrottleStore>(
    tx: &mut T,
    bucket: &str,
    limit: RateLimit,
    now: DateTime<Utc>,
) -> Result<Option<u64>, StoreError> {
    let window = tx.throttle_peek(bucket, now).await?;
    Ok(window.filter(|w| w.hits >= limit.limit).map(|w| retry_after(&w, now)))
}
