//! What can go wrong in the analytics: only bad parameters, never bad text.

use thiserror::Error;

/// A parameter of an analytics function is out of range. Text is never an error: any input,
/// however odd, gives a (possibly empty) answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AnalyticsError {
    /// The pulse's bucket size is zero or negative.
    #[error("the bucket size must be positive")]
    NonPositiveBucket,
    /// The window holds more buckets than the pulse will allocate.
    #[error("the window holds {buckets} buckets, more than the limit of {limit}")]
    TooManyBuckets {
        /// How many buckets the window would need.
        buckets: u64,
        /// The most buckets a pulse computes.
        limit: u64,
    },
}
