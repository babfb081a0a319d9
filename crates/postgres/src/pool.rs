//! The connection pool.

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::Pool;

use crate::PostgresError;

/// A pool of pure-Rust asynchronous PostgreSQL connections.
pub type PgPool = Pool<AsyncPgConnection>;

/// Builds a pool of at most `max_size` connections to `url`. Connections are opened lazily, so
/// this succeeds even while the database is down; [`crate::PgReadiness`] reports that.
///
/// # Errors
/// [`PostgresError::PoolBuild`] when the pool configuration is invalid.
pub fn connect(url: &str, max_size: usize) -> Result<PgPool, PostgresError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
    Pool::builder(manager)
        .max_size(max_size)
        .build()
        .map_err(|e| PostgresError::PoolBuild(e.to_string()))
}
