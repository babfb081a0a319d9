//! Errors of storage ports, shared by every repository and the unit of work.

use std::future::Future;
use std::pin::Pin;

/// A boxed future borrowing from a transaction, as unit-of-work closures return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a storage port can fail with. Adapters map their own errors here; services map these to
/// their use-case errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store cannot be reached or is overloaded; worth retrying later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A uniqueness or consistency rule refused the change (for example a taken email).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The object asked for does not exist.
    #[error("not found")]
    NotFound,
    /// Anything else; a bug or a broken invariant.
    #[error("storage failure: {0}")]
    Other(String),
}
