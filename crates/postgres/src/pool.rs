//! The connection pool.

use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

use crate::PostgresError;

/// A pool of pure-Rust asynchronous PostgreSQL connections.
pub type PgPool = Pool<AsyncPgConnection>;

/// Set on each connection as it opens: no parallel plans. Every statement here reads a page
/// or a few rows, where starting workers costs more than it saves: a generic plan of the
/// threads of an inbox, costed as if most threads were tested, gathered from two workers in
/// 9.5 ms what one process reads in 0.4 ms. The server already runs its requests side by
/// side on every core.
const SESSION: &str = "SET max_parallel_workers_per_gather = 0";

/// Builds a pool of at most `max_size` connections to `url`. Connections are opened lazily, so
/// this succeeds even while the database is down; [`crate::PgReadiness`] reports that.
///
/// # Errors
/// [`PostgresError::PoolBuild`] when the pool configuration is invalid.
pub fn connect(url: &str, max_size: usize) -> Result<PgPool, PostgresError> {
    // `Fast` recycling: a connection that is closed or left inside a transaction is still
    // discarded at checkout (no round trip needed to know), but healthy ones are not pinged
    // with `SELECT 1` first, which the default does and which doubles every request's round
    // trips. A connection that died silently fails its first query, once.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(|url| {
        Box::pin(async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            conn.batch_execute(SESSION)
                .await
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        })
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(max_size)
        .build()
        .map_err(|e| PostgresError::PoolBuild(e.to_string()))
}
