//! Errors of the PostgreSQL adapter.
//!
//! Messages never contain the connection string: it may carry a password.

use switchboard_ports::StoreError;

/// What can go wrong talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostgresError {
    /// The pool could not be built (bad configuration).
    #[error("cannot build the connection pool: {0}")]
    PoolBuild(String),
    /// No connection could be had from the pool (database down, pool exhausted).
    #[error("no database connection available: {0}")]
    Pool(String),
    /// A connection could not be opened.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// A query failed.
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// Running or reverting migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
}

impl From<PostgresError> for StoreError {
    fn from(error: PostgresError) -> Self {
        match error {
            PostgresError::Pool(e) => StoreError::Unavailable(e),
            PostgresError::Connect(e) => StoreError::Unavailable(e.to_string()),
            PostgresError::Query(e) => store_error(e),
            other => StoreError::Other(other.to_string()),
        }
    }
}

/// Maps a query error to the ports' error: unique violations are conflicts, lost connections
/// are unavailability.
pub fn store_error(error: diesel::result::Error) -> StoreError {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::NotFound => StoreError::NotFound,
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Conflict(info.constraint_name().unwrap_or("unique constraint").to_owned())
        }
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
            StoreError::Unavailable(info.message().to_owned())
        }
        other => StoreError::Other(other.to_string()),
    }
}

/// Maps a pool error to the ports' error.
pub fn pool_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}
