//! Background jobs as the ports see them: what is enqueued, and the queue workers claim from.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::JobState;

use crate::StoreError;

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// The job type's name, which selects the code that runs it.
    pub job_type: String,
    /// Its arguments.
    pub payload: serde_json::Value,
    /// Higher runs first.
    pub priority: i16,
    /// Attempts before the job is dead.
    pub max_attempts: u32,
    /// At most one pending (queued or failed) job of this type per key: enqueueing a duplicate
    /// changes nothing, unless it is due earlier, which brings the pending one forward.
    pub dedupe_key: Option<String>,
    /// Not before this time (`None`: now).
    pub run_at: Option<DateTime<Utc>>,
}

/// A job a worker has claimed, under a lease.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// The job's id.
    pub id: i64,
    /// Its type.
    pub job_type: String,
    /// Its arguments.
    pub payload: serde_json::Value,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
}

/// A job as an operator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// The job's id.
    pub id: i64,
    /// Its type.
    pub job_type: String,
    /// Its arguments.
    pub payload: serde_json::Value,
    /// Its priority.
    pub priority: i16,
    /// Where it is.
    pub state: JobState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Its dedupe key.
    pub dedupe_key: Option<String>,
    /// When it may run next.
    pub run_at: DateTime<Utc>,
    /// The worker holding it, while running.
    pub locked_by: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: DateTime<Utc>,
}

/// A job enqueued on a fixed schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct RecurringJob {
    /// A unique name for the schedule.
    pub name: String,
    /// The job type to enqueue.
    pub job_type: String,
    /// Its arguments.
    pub payload: serde_json::Value,
    /// Time between occurrences.
    pub interval: Duration,
}

/// The queue as workers use it. Every method is safe with any number of workers in any number
/// of processes.
pub trait JobQueue: Send + Sync + 'static {
    /// One worker loop's view of the queue's wake-ups (see [`wakeups`](Self::wakeups)).
    type Wakeups: WorkWakeups;

    /// Claims up to `limit` due jobs for `worker`, highest priority first, each under a lease
    /// of `lease`. Counts an attempt for each.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn claim(
        &self,
        worker: &str,
        limit: usize,
        lease: Duration,
    ) -> impl Future<Output = Result<Vec<ClaimedJob>, StoreError>> + Send;

    /// Extends the leases `worker` holds on `ids`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn renew(
        &self,
        worker: &str,
        ids: &[i64],
        lease: Duration,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes a job that succeeded. `false` if `worker` no longer held it (its lease ran out
    /// and another worker took it).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn complete(
        &self,
        worker: &str,
        id: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes several jobs that succeeded, in one round trip; returns the ids `worker` still
    /// held (and so removed).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn complete_batch(
        &self,
        worker: &str,
        ids: &[i64],
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>> + Send;

    /// Records a failed attempt: the job waits `retry_in` and runs again, or is dead when it has
    /// used its attempts. Returns its new state (`None` if `worker` no longer held it).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn fail(
        &self,
        worker: &str,
        id: i64,
        error: &str,
        retry_in: Duration,
    ) -> impl Future<Output = Result<Option<JobState>, StoreError>> + Send;

    /// Gives back a job `worker` will not finish (shutting down): it runs again at once, and the
    /// attempt is not counted.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn release(&self, worker: &str, id: i64)
    -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes back jobs whose lease ran out (their worker died): they run again, or are dead if
    /// that was their last attempt. Returns how many.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn reap_expired(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Creates or updates a recurring schedule (its next occurrence is kept if it exists).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn schedule(&self, job: RecurringJob) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Enqueues every due occurrence of the recurring schedules, each exactly once whatever the
    /// number of workers calling this. Returns how many were enqueued.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn enqueue_due(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Wake-ups for one worker loop, starting from now. Each loop takes its own: the value
    /// remembers which wake-ups its loop has seen, and cannot be cloned or shared.
    fn wakeups(&self) -> Self::Wakeups;
}

/// What one worker loop waits on between looks for work. It remembers the wake-ups it has
/// seen, so a job enqueued between the loop's look and its wait is never missed; waiting takes
/// `&mut self`, so one value serves exactly one loop. A queue without notifications may
/// simply sleep `max_wait` (workers then find new jobs by polling).
pub trait WorkWakeups: Send + 'static {
    /// Resolves when new work may be available (a job was enqueued since the last wait of this
    /// value, or since it was made), or after `max_wait`.
    fn wait(&mut self, max_wait: Duration) -> impl Future<Output = ()> + Send;
}

/// The queue as operators see it.
pub trait JobAdmin: Send + Sync + 'static {
    /// How many jobs are in each state.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn counts(&self) -> impl Future<Output = Result<Vec<(JobState, u64)>, StoreError>> + Send;

    /// Jobs, optionally of one state, by id, after `after_id`, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn list(
        &self,
        state: Option<JobState>,
        after_id: Option<i64>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<JobRecord>, StoreError>> + Send;

    /// Puts a failed or dead job back in the queue with fresh attempts. `false` if there is no
    /// such job, or it is queued or running.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a pending job with the same dedupe key exists.
    fn retry(&self, id: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes a job that is not running. `false` if there is no such job or it is running.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delete(&self, id: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
