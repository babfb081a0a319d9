//! The worker side of the in-memory queue.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::JobState;
use switchboard_ports::{ClaimedJob, JobQueue, NewJob, RecurringJob, StoreError, WorkWakeups};
use tokio::sync::watch;

use super::Schedule;
use crate::{MemoryState, MemoryStore};

/// Attempts of a recurring occurrence, as the PostgreSQL queue gives them.
const RECURRING_ATTEMPTS: u32 = 5;

fn later(now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by).ok().and_then(|by| now.checked_add_signed(by)).unwrap_or(now)
}

impl JobQueue for MemoryStore {
    type Wakeups = MemoryWakeups;

    async fn claim(
        &self,
        worker: &str,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let now = Utc::now();
        self.update_jobs(|state| {
            let mut due: Vec<_> = state
                .jobs
                .values()
                .filter(|j| matches!(j.state, JobState::Queued | JobState::Failed))
                .filter(|j| j.run_at <= now)
                .map(|j| (std::cmp::Reverse(j.priority), j.run_at, j.id))
                .collect();
            due.sort_unstable();
            let mut claimed = Vec::new();
            for (_, _, id) in due.into_iter().take(limit) {
                let Some(job) = state.jobs.get_mut(&id) else { continue };
                job.state = JobState::Running;
                job.attempts += 1;
                job.locked_by = Some(worker.to_owned());
                state.job_leases.insert(id, later(now, lease));
                claimed.push(ClaimedJob {
                    id,
                    job_type: job.job_type.clone(),
                    payload: job.payload.clone(),
                    attempt: job.attempts,
                    max_attempts: job.max_attempts,
                });
            }
            Ok(claimed)
        })
        .await
    }

    async fn renew(&self, worker: &str, ids: &[i64], lease: Duration) -> Result<(), StoreError> {
        let until = later(Utc::now(), lease);
        self.update_jobs(|state| {
            for &id in ids {
                if state.held_by(worker, id).is_some() {
                    state.job_leases.insert(id, until);
                }
            }
            Ok(())
        })
        .await
    }

    async fn complete(&self, worker: &str, id: i64) -> Result<bool, StoreError> {
        Ok(self.complete_batch(worker, &[id]).await?.contains(&id))
    }

    async fn complete_batch(&self, worker: &str, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        self.update_jobs(|state| {
            let held: Vec<i64> =
                ids.iter().copied().filter(|&id| state.held_by(worker, id).is_some()).collect();
            for id in &held {
                state.jobs.remove(id);
                state.job_leases.remove(id);
            }
            Ok(held)
        })
        .await
    }

    async fn fail(
        &self,
        worker: &str,
        id: i64,
        error: &str,
        retry_in: Duration,
    ) -> Result<Option<JobState>, StoreError> {
        let now = Utc::now();
        self.update_jobs(|state| {
            let Some(job) = state.held_by(worker, id) else { return Ok(None) };
            let next = MemoryState::after_failure(job);
            Ok(state.back_to_pending(id, next, later(now, retry_in), Some(error.to_owned())))
        })
        .await
    }

    async fn release(&self, worker: &str, id: i64) -> Result<(), StoreError> {
        let now = Utc::now();
        let released = self
            .update_jobs(|state| {
                let Some(job) = state.held_by(worker, id) else { return Ok(false) };
                // The attempt is given back: a job not run yet is queued again.
                job.attempts = job.attempts.saturating_sub(1);
                let next = if job.attempts > 0 { JobState::Failed } else { JobState::Queued };
                Ok(state.back_to_pending(id, next, now, None).is_some())
            })
            .await?;
        if released {
            self.wake_workers(1);
        }
        Ok(())
    }

    async fn reap_expired(&self) -> Result<u64, StoreError> {
        let now = Utc::now();
        self.update_jobs(|state| {
            let expired: Vec<i64> = state
                .job_leases
                .iter()
                .filter(|(_, until)| **until < now)
                .map(|(id, _)| *id)
                .collect();
            for &id in &expired {
                let Some(job) = state.jobs.get(&id) else { continue };
                let next = MemoryState::after_failure(job);
                let worker = job.locked_by.clone().unwrap_or_default();
                let error = format!("lease expired: worker {worker} stopped renewing it");
                state.back_to_pending(id, next, now, Some(error));
            }
            Ok(expired.len() as u64)
        })
        .await
    }

    async fn schedule(&self, job: RecurringJob) -> Result<(), StoreError> {
        let now = Utc::now();
        self.update_jobs(|state| {
            let next_run_at = state.job_schedules.get(&job.name).map_or(now, |s| s.next_run_at);
            state.job_schedules.insert(job.name.clone(), Schedule { job, next_run_at });
            Ok(())
        })
        .await
    }

    async fn enqueue_due(&self) -> Result<u64, StoreError> {
        let now = Utc::now();
        let enqueued = self
            .update_jobs(|state| {
                let mut due = Vec::new();
                for schedule in state.job_schedules.values_mut().filter(|s| s.next_run_at <= now) {
                    let due_at = schedule.next_run_at;
                    // Occurrences missed while no worker ran collapse into this one.
                    let interval = schedule.job.interval.as_secs().max(1);
                    let missed = (now - due_at).num_seconds().max(0).unsigned_abs() / interval;
                    let step = Duration::from_secs(interval.saturating_mul(missed + 1));
                    schedule.next_run_at = later(due_at, step);
                    due.push(NewJob {
                        job_type: schedule.job.job_type.clone(),
                        payload: schedule.job.payload.clone(),
                        priority: 0,
                        max_attempts: RECURRING_ATTEMPTS,
                        dedupe_key: Some(format!(
                            "recurring:{}@{}",
                            schedule.job.name,
                            due_at.timestamp()
                        )),
                        run_at: None,
                    });
                }
                Ok(due.into_iter().filter_map(|job| state.enqueue(job, now)).count())
            })
            .await?;
        self.wake_workers(enqueued);
        Ok(enqueued as u64)
    }

    fn wakeups(&self) -> MemoryWakeups {
        MemoryWakeups { seen: self.subscribe_wakeups() }
    }
}

/// One worker loop's view of the in-memory queue's wake-ups.
#[derive(Debug)]
pub struct MemoryWakeups {
    seen: watch::Receiver<u64>,
}

impl MemoryWakeups {
    /// Wake-ups from the store's commit counter.
    pub(crate) fn new(seen: watch::Receiver<u64>) -> Self {
        Self { seen }
    }
}

impl WorkWakeups for MemoryWakeups {
    async fn wait(&mut self, max_wait: Duration) {
        // Returns at once if a commit enqueued since this loop's last wait. The sender lives
        // as long as the store, which this loop's queue keeps: `changed` cannot fail here.
        if let Ok(Ok(())) = tokio::time::timeout(max_wait, self.seen.changed()).await {
            self.seen.borrow_and_update();
        }
    }
}
