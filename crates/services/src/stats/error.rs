//! Why a stats operation failed.

use switchboard_domain::analytics::AnalyticsError;
use switchboard_ports::StoreError;

/// Why a stats operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// No such channel of the caller's.
    #[error("no such channel")]
    ChannelNotFound,
    /// No such mail account of the caller's.
    #[error("no such mail account")]
    AccountNotFound,
    /// No such folder in the caller's mail account.
    #[error("no such mail folder")]
    FolderNotFound,
    /// No such thread of the caller's.
    #[error("no such thread")]
    ThreadNotFound,
    /// A time that must be in the past is in the future.
    #[error("{field} is in the future")]
    InFuture {
        /// The parameter.
        field: &'static str,
    },
    /// The analytics refused their parameters (a bug: the service chooses them).
    #[error(transparent)]
    Analytics(#[from] AnalyticsError),
    /// The computation could not run to its end (its blocking task failed).
    #[error("the analytics computation failed: {0}")]
    Compute(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<StatsError> for StoreError {
    /// For the event consumer, whose failures are the store's kind.
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::Store(e) => e,
            other => StoreError::Other(other.to_string()),
        }
    }
}
