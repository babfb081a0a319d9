//! Operational figures read for the metrics page: cheap grouped counts, never a scan per row.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Text};
use diesel_async::RunQueryDsl;
use switchboard_ports::StoreError;

use crate::error::{pool_error, store_error};
use crate::pool::PgPool;

/// Jobs in one state of one type.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct JobDepth {
    /// The job type.
    #[diesel(sql_type = Text)]
    pub job_type: String,
    /// queued, running, failed or dead.
    #[diesel(sql_type = Text)]
    pub state: String,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// How far an event consumer's checkpoint is behind the newest event.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ConsumerLag {
    /// The consumer's name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Event ids between its checkpoint and the newest event (ids are dense but for
    /// rolled-back transactions, so this is the number of events it has yet to read, or a few
    /// more).
    #[diesel(sql_type = BigInt)]
    pub events: i64,
}

/// The oldest last successful sync among the active sources of one provider.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct SyncLag {
    /// `chat` or `mail`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The provider (slack, mattermost, microsoft, google…).
    #[diesel(sql_type = Text)]
    pub provider: String,
    /// Seconds since that sync (since the source was added if it never synced).
    #[diesel(sql_type = Double)]
    pub seconds: f64,
}

/// Every figure of one sample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpsSample {
    /// Jobs by type and state.
    pub jobs: Vec<JobDepth>,
    /// Each event consumer's lag.
    pub consumers: Vec<ConsumerLag>,
    /// Chat and mail sync lag by provider.
    pub syncs: Vec<SyncLag>,
}

/// Reads one sample: three grouped queries on one connection.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn sample(pool: &PgPool) -> Result<OpsSample, StoreError> {
    let mut conn = pool.get().await.map_err(pool_error)?;
    let jobs = diesel::sql_query(
        "SELECT job_type, state, count(*) AS count FROM jobs GROUP BY job_type, state",
    )
    .load::<JobDepth>(&mut conn)
    .await
    .map_err(store_error)?;
    let consumers = diesel::sql_query(
        "SELECT c.name, greatest(coalesce((SELECT max(id) FROM events), 0)
                                 - coalesce(c.event_id, 0), 0) AS events
           FROM event_consumers c",
    )
    .load::<ConsumerLag>(&mut conn)
    .await
    .map_err(store_error)?;
    let syncs = diesel::sql_query(
        "SELECT 'chat' AS kind, provider,
                extract(epoch FROM now() - min(coalesce(last_sync_at, created_at)))::float8
                  AS seconds
           FROM chat_sources WHERE status = 'active' GROUP BY provider
         UNION ALL
         SELECT 'mail', provider,
                extract(epoch FROM now() - min(coalesce(last_sync_at, created_at)))::float8
           FROM mail_accounts WHERE status = 'active' GROUP BY provider",
    )
    .load::<SyncLag>(&mut conn)
    .await
    .map_err(store_error)?;
    Ok(OpsSample { jobs, consumers, syncs })
}

/// A pool's state now: (connections open, of which in use, the most it opens, tasks waiting
/// for one).
pub fn pool_status(pool: &PgPool) -> (usize, usize, usize, usize) {
    let status = pool.status();
    (status.size, status.size.saturating_sub(status.available), status.max_size, status.waiting)
}
