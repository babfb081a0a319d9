//! The operator side of the in-memory queue.

use chrono::Utc;
use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, JobRecord, StoreError};

use crate::MemoryStore;

impl JobAdmin for MemoryStore {
    async fn counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        self.update_jobs(|state| {
            Ok(JobState::ALL
                .into_iter()
                .map(|s| (s, state.jobs.values().filter(|j| j.state == s).count() as u64))
                .collect())
        })
        .await
    }

    async fn list(
        &self,
        state: Option<JobState>,
        after_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<JobRecord>, StoreError> {
        self.update_jobs(|memory| {
            Ok(memory
                .jobs
                .values()
                .filter(|j| state.is_none_or(|s| j.state == s) && after_id.is_none_or(|a| j.id > a))
                .take(limit)
                .cloned()
                .collect())
        })
        .await
    }

    async fn retry(&self, id: i64) -> Result<bool, StoreError> {
        let retried = self
            .update_jobs(|state| {
                let Some(job) = state.jobs.get(&id) else { return Ok(false) };
                if !matches!(job.state, JobState::Failed | JobState::Dead) {
                    return Ok(false);
                }
                if state.pending_duplicate(&job.job_type, job.dedupe_key.as_deref(), Some(id)) {
                    return Err(StoreError::Conflict("a pending job has its dedupe key".into()));
                }
                let Some(job) = state.jobs.get_mut(&id) else { return Ok(false) };
                job.state = JobState::Queued;
                job.attempts = 0;
                job.run_at = Utc::now();
                Ok(true)
            })
            .await?;
        if retried {
            self.wake_workers(1);
        }
        Ok(retried)
    }

    async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        self.update_jobs(|state| match state.jobs.get(&id) {
            Some(job) if job.state != JobState::Running => Ok(state.jobs.remove(&id).is_some()),
            _ => Ok(false),
        })
        .await
    }
}
