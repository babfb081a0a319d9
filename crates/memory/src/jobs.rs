//! The job queue in memory, with the PostgreSQL queue's semantics: enqueued inside
//! transactions, claimed highest priority first under leases, retried after the delay the
//! worker asks for, dead after the last attempt, at most one pending job per type and dedupe
//! key, recurring schedules enqueued once per occurrence. Workers waiting for work are woken
//! when a transaction that enqueued commits.

mod admin;
mod queue;

pub use queue::MemoryWakeups;

use chrono::{DateTime, Utc};
use switchboard_domain::JobState;
use switchboard_ports::{JobRecord, NewJob, RecurringJob};

use crate::MemoryState;

/// A recurring schedule and its next occurrence.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// What it enqueues, and how often.
    pub job: RecurringJob,
    /// When it is next due.
    pub next_run_at: DateTime<Utc>,
}

impl MemoryState {
    /// Whether a pending (queued or failed) job other than `except` has this type and key:
    /// the unique rule PostgreSQL's partial index keeps.
    fn pending_duplicate(&self, job_type: &str, key: Option<&str>, except: Option<i64>) -> bool {
        key.is_some()
            && self.jobs.values().any(|j| {
                Some(j.id) != except
                    && j.job_type == job_type
                    && j.dedupe_key.as_deref() == key
                    && matches!(j.state, JobState::Queued | JobState::Failed)
            })
    }

    /// Enqueues `job` at `now` unless a pending job has its type and dedupe key; that one is
    /// brought forward to `job`'s time if it is earlier (its id returned), as PostgreSQL does.
    pub(crate) fn enqueue(&mut self, job: NewJob, now: DateTime<Utc>) -> Option<i64> {
        if self.pending_duplicate(&job.job_type, job.dedupe_key.as_deref(), None) {
            let run_at = job.run_at.unwrap_or(now);
            let pending = self.jobs.values_mut().find(|j| {
                j.job_type == job.job_type
                    && j.dedupe_key == job.dedupe_key
                    && matches!(j.state, JobState::Queued | JobState::Failed)
            })?;
            if pending.run_at <= run_at {
                return None;
            }
            pending.run_at = run_at;
            return Some(pending.id);
        }
        self.next_job += 1;
        let id = self.next_job;
        let record = JobRecord {
            id,
            job_type: job.job_type,
            payload: job.payload,
            priority: job.priority,
            state: JobState::Queued,
            attempts: 0,
            max_attempts: job.max_attempts.max(1),
            dedupe_key: job.dedupe_key,
            run_at: job.run_at.unwrap_or(now),
            locked_by: None,
            last_error: None,
            created_at: now,
        };
        self.jobs.insert(id, record);
        Some(id)
    }

    /// The job `worker` holds as running.
    fn held_by(&mut self, worker: &str, id: i64) -> Option<&mut JobRecord> {
        self.jobs
            .get_mut(&id)
            .filter(|j| j.state == JobState::Running && j.locked_by.as_deref() == Some(worker))
    }

    /// Moves a running job back to pending in `state`, due at `run_at`. When a pending job
    /// with the same dedupe key was enqueued meanwhile, that one will do the work: this one is
    /// removed instead and `None` returned.
    fn back_to_pending(
        &mut self,
        id: i64,
        state: JobState,
        run_at: DateTime<Utc>,
        error: Option<String>,
    ) -> Option<JobState> {
        self.job_leases.remove(&id);
        let job = self.jobs.get(&id)?;
        if self.pending_duplicate(&job.job_type, job.dedupe_key.as_deref(), Some(id)) {
            self.jobs.remove(&id);
            return None;
        }
        let job = self.jobs.get_mut(&id)?;
        job.state = state;
        job.run_at = run_at;
        job.locked_by = None;
        if error.is_some() {
            job.last_error = error;
        }
        Some(state)
    }

    /// `Failed`, or `Dead` once the job has used its attempts.
    fn after_failure(job: &JobRecord) -> JobState {
        if job.attempts >= job.max_attempts { JobState::Dead } else { JobState::Failed }
    }
}
