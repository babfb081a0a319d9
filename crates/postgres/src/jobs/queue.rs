//! The worker side of the queue.

use std::future::Future;
use std::time::Duration;

use diesel::sql_types::{Array, BigInt, Double, Integer, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use switchboard_domain::JobState;
use switchboard_ports::{ClaimedJob, JobQueue, RecurringJob, StoreError, WorkWakeups};
use tokio::sync::watch;

use super::rows::ClaimedRow;
use crate::PgPool;
use crate::error::{pool_error, store_error};

/// The job queue in PostgreSQL. Clones share everything (the pool, the listener's wake-ups);
/// what a worker loop has seen of the wake-ups lives in its own [`PgWakeups`].
#[derive(Clone)]
pub struct PgJobQueue {
    pub(super) pool: PgPool,
    /// The listener's wake-up counter; never waited on itself, only copied into [`PgWakeups`].
    versions: watch::Receiver<u64>,
}

impl std::fmt::Debug for PgJobQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgJobQueue").field("pool", &self.pool.status()).finish()
    }
}

/// The process's `LISTEN` connection for a [`PgJobQueue`], which turns the queue's
/// notifications into wake-ups for its workers. The caller runs it on its runtime
/// (`tokio::spawn(listener.run())`); it ends when the queue and every clone of it are dropped.
/// Without it workers still find jobs, by polling.
#[must_use = "workers are woken by notifications only while the listener runs: spawn `run()`"]
#[derive(Debug)]
pub struct JobListener {
    url: String,
    versions: watch::Sender<u64>,
}

impl JobListener {
    /// Listens until the queue is gone, reconnecting after failures.
    pub async fn run(self) {
        super::listener::listen(self.url, super::CHANNEL, self.versions).await;
    }
}

/// One worker loop's wake-ups from a [`PgJobQueue`]'s listener: the counter version its loop
/// last saw. Not `Clone`: two loops sharing one would each take the other's wake-ups.
#[derive(Debug)]
pub struct PgWakeups {
    versions: watch::Receiver<u64>,
}

impl PgWakeups {
    /// Wake-ups from a listener's counter (the event feed's, too).
    pub(crate) fn new(versions: watch::Receiver<u64>) -> Self {
        Self { versions }
    }
}

impl WorkWakeups for PgWakeups {
    async fn wait(&mut self, max_wait: Duration) {
        // Returns at once if a job was enqueued since this loop's last wait.
        match tokio::time::timeout(max_wait, self.versions.changed()).await {
            Ok(Ok(())) => {
                self.versions.borrow_and_update();
            }
            // The listener is gone (never spawned, or its runtime stopped): poll.
            Ok(Err(_)) => tokio::time::sleep(max_wait).await,
            Err(_) => {}
        }
    }
}

impl PgJobQueue {
    /// A queue over `pool`, and the listener that wakes its workers, which the caller spawns
    /// (this starts nothing): it holds a `LISTEN` connection to `url`.
    pub fn new(pool: PgPool, url: &str) -> (Self, JobListener) {
        let (sender, versions) = watch::channel(0);
        (Self { pool, versions }, JobListener { url: url.to_owned(), versions: sender })
    }

    pub(super) async fn conn(
        &self,
    ) -> Result<diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>, StoreError>
    {
        self.pool.get().await.map_err(pool_error)
    }
}

fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

#[derive(diesel::QueryableByName)]
struct StateRow {
    #[diesel(sql_type = Text)]
    state: String,
}

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(diesel::QueryableByName)]
struct ExpiredRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    locked_by: String,
}

fn is_conflict(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Moves a running job back to pending. When a pending job with the same dedupe key was
/// enqueued meanwhile, that one will do the work: this one is removed instead.
async fn back_to_pending(
    conn: &mut AsyncPgConnection,
    update: diesel::query_builder::BoxedSqlQuery<
        '_,
        diesel::pg::Pg,
        diesel::query_builder::SqlQuery,
    >,
    id: i64,
) -> Result<Option<JobState>, StoreError> {
    match update.get_result::<StateRow>(conn).await {
        Ok(row) => Ok(Some(row.state.parse().map_err(StoreError::Other)?)),
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) if is_conflict(&e) => {
            diesel::sql_query("DELETE FROM jobs WHERE id = $1")
                .bind::<BigInt, _>(id)
                .execute(conn)
                .await
                .map_err(store_error)?;
            Ok(None)
        }
        Err(e) => Err(store_error(e)),
    }
}

impl JobQueue for PgJobQueue {
    type Wakeups = PgWakeups;

    fn claim(
        &self,
        worker: &str,
        limit: usize,
        lease: Duration,
    ) -> impl Future<Output = Result<Vec<ClaimedJob>, StoreError>> + Send {
        let worker = worker.to_owned();
        async move {
            let mut conn = self.conn().await?;
            let rows = diesel::sql_query(
                "WITH next AS (
                     SELECT id FROM jobs
                      WHERE state IN ('queued', 'failed') AND run_at <= now()
                      ORDER BY priority DESC, run_at, id
                      LIMIT $1
                      FOR UPDATE SKIP LOCKED)
                 UPDATE jobs j
                    SET state = 'running', attempts = j.attempts + 1, locked_by = $2,
                        lease_until = now() + make_interval(secs => $3)
                   FROM next WHERE j.id = next.id
                 RETURNING j.id, j.job_type, j.payload, j.attempts, j.max_attempts,
                           extract(epoch FROM now() - j.run_at)::float8 AS waited_secs",
            )
            .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind::<Text, _>(&worker)
            .bind::<Double, _>(secs(lease))
            .load::<ClaimedRow>(&mut conn)
            .await
            .map_err(store_error)?;
            for row in &rows {
                // Runnable until claimed: the queue's own delay, apart from the run.
                metrics::histogram!("switchboard_job_queue_wait_seconds", "job_type" => row.job_type.clone())
                    .record(row.waited_secs.max(0.0));
            }
            Ok(rows.into_iter().map(ClaimedJob::from).collect())
        }
    }

    fn renew(
        &self,
        worker: &str,
        ids: &[i64],
        lease: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let worker = worker.to_owned();
        let ids = ids.to_vec();
        async move {
            let mut conn = self.conn().await?;
            diesel::sql_query(
                "UPDATE jobs SET lease_until = now() + make_interval(secs => $3)
                  WHERE id = ANY($1) AND locked_by = $2 AND state = 'running'",
            )
            .bind::<Array<BigInt>, _>(&ids)
            .bind::<Text, _>(&worker)
            .bind::<Double, _>(secs(lease))
            .execute(&mut conn)
            .await
            .map_err(store_error)?;
            Ok(())
        }
    }

    async fn complete_batch(&self, worker: &str, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut conn = self.conn().await?;
        let rows = diesel::sql_query(
            "DELETE FROM jobs WHERE id = ANY($1) AND locked_by = $2 AND state = 'running' RETURNING id",
        )
        .bind::<Array<BigInt>, _>(ids)
        .bind::<Text, _>(worker)
        .load::<IdRow>(&mut conn)
        .await
        .map_err(store_error)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    fn complete(
        &self,
        worker: &str,
        id: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let worker = worker.to_owned();
        async move {
            let mut conn = self.conn().await?;
            let deleted = diesel::sql_query(
                "DELETE FROM jobs WHERE id = $1 AND locked_by = $2 AND state = 'running'",
            )
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(&worker)
            .execute(&mut conn)
            .await
            .map_err(store_error)?;
            Ok(deleted == 1)
        }
    }

    fn fail(
        &self,
        worker: &str,
        id: i64,
        error: &str,
        retry_in: Duration,
    ) -> impl Future<Output = Result<Option<JobState>, StoreError>> + Send {
        let worker = worker.to_owned();
        let error = error.to_owned();
        async move {
            let mut conn = self.conn().await?;
            let update = diesel::sql_query(
                "UPDATE jobs
                    SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
                        run_at = now() + make_interval(secs => $4),
                        lease_until = NULL, locked_by = NULL, last_error = $3
                  WHERE id = $1 AND locked_by = $2 AND state = 'running'
                 RETURNING state",
            )
            .into_boxed()
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(worker)
            .bind::<Text, _>(error)
            .bind::<Double, _>(secs(retry_in));
            back_to_pending(&mut conn, update, id).await
        }
    }

    fn release(
        &self,
        worker: &str,
        id: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let worker = worker.to_owned();
        async move {
            let mut conn = self.conn().await?;
            let update = diesel::sql_query(
                "UPDATE jobs
                    SET state = CASE WHEN attempts > 1 THEN 'failed' ELSE 'queued' END,
                        attempts = attempts - 1, run_at = now(), lease_until = NULL, locked_by = NULL
                  WHERE id = $1 AND locked_by = $2 AND state = 'running'
                 RETURNING state",
            )
            .into_boxed()
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(worker);
            back_to_pending(&mut conn, update, id).await.map(|_| ())
        }
    }

    async fn reap_expired(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn().await?;
        let expired = diesel::sql_query(
            "SELECT id, locked_by FROM jobs
              WHERE state = 'running' AND lease_until < now()
              ORDER BY lease_until LIMIT 100 FOR UPDATE SKIP LOCKED",
        )
        .load::<ExpiredRow>(&mut conn)
        .await
        .map_err(store_error)?;
        let mut reaped = 0;
        for job in expired {
            let update = diesel::sql_query(
                "UPDATE jobs
                    SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END,
                        run_at = now(), lease_until = NULL, locked_by = NULL,
                        last_error = 'lease expired: worker ' || $2 || ' stopped renewing it'
                  WHERE id = $1 AND state = 'running' AND lease_until < now()
                 RETURNING state",
            )
            .into_boxed()
            .bind::<BigInt, _>(job.id)
            .bind::<Text, _>(job.locked_by.clone());
            if let Some(state) = back_to_pending(&mut conn, update, job.id).await? {
                tracing::warn!(job = job.id, worker = %job.locked_by, state = state.as_str(), "reclaimed a job whose lease expired");
            }
            reaped += 1;
        }
        Ok(reaped)
    }

    async fn schedule(&self, job: RecurringJob) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        diesel::sql_query(
            "INSERT INTO recurring_jobs (name, job_type, payload, interval_secs, next_run_at)
             VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (name) DO UPDATE
                SET job_type = excluded.job_type, payload = excluded.payload,
                    interval_secs = excluded.interval_secs",
        )
        .bind::<Text, _>(&job.name)
        .bind::<Text, _>(&job.job_type)
        .bind::<Jsonb, _>(&job.payload)
        .bind::<Integer, _>(i32::try_from(job.interval.as_secs().max(1)).unwrap_or(i32::MAX))
        .execute(&mut conn)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn enqueue_due(&self) -> Result<u64, StoreError> {
        let mut conn = self.conn().await?;
        // One statement: the schedule advances past now and the occurrence is enqueued with
        // a dedupe key naming it, so each occurrence is enqueued once. A schedule another
        // worker holds is skipped: that worker is enqueueing it.
        let enqueued = diesel::sql_query(
            "WITH due AS (
                 SELECT name, next_run_at AS due_at FROM recurring_jobs
                  WHERE next_run_at <= now() FOR UPDATE SKIP LOCKED),
             advanced AS (
                 UPDATE recurring_jobs r
                    SET next_run_at = r.next_run_at + make_interval(secs =>
                        r.interval_secs * (floor(extract(epoch FROM now() - r.next_run_at) / r.interval_secs) + 1))
                   FROM due WHERE r.name = due.name
                 RETURNING r.name, r.job_type, r.payload, due.due_at)
             INSERT INTO jobs (job_type, payload, max_attempts, dedupe_key)
             SELECT job_type, payload, 5, 'recurring:' || name || '@' || extract(epoch FROM due_at)::bigint
               FROM advanced
             ON CONFLICT (job_type, dedupe_key)
                 WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'failed')
             DO NOTHING",
        )
        .execute(&mut conn)
        .await
        .map_err(store_error)?;
        if enqueued > 0 {
            diesel::sql_query("SELECT pg_notify($1, '')")
                .bind::<Text, _>(super::CHANNEL)
                .execute(&mut conn)
                .await
                .map_err(store_error)?;
        }
        Ok(enqueued as u64)
    }

    fn wakeups(&self) -> PgWakeups {
        let mut versions = self.versions.clone();
        // From now: the loop looks for work before its first wait.
        versions.borrow_and_update();
        PgWakeups { versions }
    }
}
