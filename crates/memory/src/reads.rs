//! Reads of the in-memory store outside transactions: the event log and the job queue's
//! operator view.

use switchboard_domain::{Event, JobState};
use switchboard_ports::{EventQuery, EventReader, JobAdmin, JobRecord, StoreError};

use crate::MemoryStore;

impl EventReader for MemoryStore {
    async fn read(&self, query: EventQuery) -> Result<Vec<Event>, StoreError> {
        let state = self.snapshot().await;
        Ok(state
            .events
            .into_iter()
            .filter(|e| query.after.is_none_or(|after| e.position > after))
            .filter(|e| query.model_name.as_ref().is_none_or(|m| &e.model_name == m))
            .filter(|e| query.object_id.as_ref().is_none_or(|o| &e.object_id == o))
            .filter(|e| query.owner.is_none_or(|owner| e.owner_id == Some(owner)))
            .take(query.limit)
            .collect())
    }
}

impl JobAdmin for MemoryStore {
    async fn counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        let state = self.snapshot().await;
        Ok(JobState::ALL
            .into_iter()
            .map(|s| (s, state.jobs.values().filter(|j| j.state == s).count() as u64))
            .collect())
    }

    async fn list(
        &self,
        state: Option<JobState>,
        after_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let snapshot = self.snapshot().await;
        Ok(snapshot
            .jobs
            .into_values()
            .filter(|j| state.is_none_or(|s| j.state == s) && after_id.is_none_or(|a| j.id > a))
            .take(limit)
            .collect())
    }

    async fn retry(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .update(|state| match state.jobs.get_mut(&id) {
                Some(job) if matches!(job.state, JobState::Failed | JobState::Dead) => {
                    job.state = JobState::Queued;
                    job.attempts = 0;
                    true
                }
                _ => false,
            })
            .await)
    }

    async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .update(|state| match state.jobs.get(&id) {
                Some(job) if job.state != JobState::Running => state.jobs.remove(&id).is_some(),
                _ => false,
            })
            .await)
    }
}
