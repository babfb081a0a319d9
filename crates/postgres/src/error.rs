//! Errors of the PostgreSQL adapter.
//!
//! Messages never contain the connection string: it may carry a password.

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
