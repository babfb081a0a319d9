//! Enqueueing, inside the caller's transaction.

use diesel::OptionalExtension;
use diesel::sql_types::{BigInt, Integer, Jsonb, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use switchboard_ports::{NewJob, StoreError};

use crate::error::store_error;

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Inserts the job and notifies workers, which hear it when the transaction commits. When a
/// pending job has the same type and dedupe key, that one stays, brought forward to this one's
/// `run_at` if that is earlier (then its id is returned and workers notified); otherwise
/// nothing changes and `None` is returned. The notify runs per row of the insert's result.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn enqueue(conn: &mut AsyncPgConnection, job: NewJob) -> Result<Option<i64>, StoreError> {
    // One round trip: the notification rides on the insert (and PostgreSQL folds identical
    // notifications of one transaction into one).
    let id = diesel::sql_query(
        "WITH inserted AS (
             INSERT INTO jobs (job_type, payload, priority, max_attempts, dedupe_key, run_at)
             VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
             ON CONFLICT (job_type, dedupe_key)
                 WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'failed')
             DO UPDATE SET run_at = EXCLUDED.run_at WHERE jobs.run_at > EXCLUDED.run_at
             RETURNING id)
         SELECT id, pg_notify($7, '') AS notified FROM inserted",
    )
    .bind::<Text, _>(&job.job_type)
    .bind::<Jsonb, _>(&job.payload)
    .bind::<SmallInt, _>(job.priority)
    .bind::<Integer, _>(i32::try_from(job.max_attempts.max(1)).unwrap_or(i32::MAX))
    .bind::<Nullable<Text>, _>(job.dedupe_key.as_deref())
    .bind::<Nullable<Timestamptz>, _>(job.run_at)
    .bind::<Text, _>(super::CHANNEL)
    .get_result::<Id>(conn)
    .await
    .optional()
    .map_err(store_error)?;
    Ok(id.map(|row| row.id))
}
