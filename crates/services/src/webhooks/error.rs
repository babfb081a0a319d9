//! Why a webhook operation failed.

use switchboard_ports::{CryptoError, StoreError};

/// Why a webhook operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No such webhook, or not the caller's.
    #[error("webhook not found")]
    NotFound,
    /// The URL is malformed, not https (unless allowed), or its host does not resolve.
    #[error("invalid url: {0}")]
    InvalidUrl(String),
    /// The URL's host resolves to a non-public address and configuration does not allow it.
    #[error("url resolves to a non-public address ({0}), which is not allowed")]
    ForbiddenAddress(String),
    /// An event filter names no model or kind of the event log; `index` is its place.
    #[error("events[{index}]: {message}")]
    InvalidEvents {
        /// The filter's index in `events`.
        index: usize,
        /// What is wrong with it.
        message: String,
    },
    /// No event filter was given.
    #[error("events must name at least one event (or `*`)")]
    NoEvents,
    /// The description is too long.
    #[error("description is longer than {0} characters")]
    DescriptionTooLong(usize),
    /// The signing secret cannot be sealed or opened.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The random source failed.
    #[error("no randomness: {0}")]
    Random(String),
    /// A job could not be enqueued.
    #[error("cannot enqueue: {0}")]
    Enqueue(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
