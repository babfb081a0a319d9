//! Why a notification use case failed.

use switchboard_ports::StoreError;

/// Why a notification use case failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// No such notification of the caller's.
    #[error("no such notification")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
