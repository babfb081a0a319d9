//! Operating the job queue: counts by state, listing, retrying and deleting jobs.

use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, JobRecord, StoreError};

/// Why an operation on a job failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobAdminError {
    /// No job has that id, or it is not in a state that allows the operation.
    #[error(
        "no such job in a state that allows this: retry needs failed or dead, delete needs not running"
    )]
    NotFound,
    /// A pending job with the same dedupe key exists.
    #[error("a pending job with the same dedupe key exists")]
    Conflict,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for JobAdminError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => JobAdminError::Conflict,
            other => JobAdminError::Store(other),
        }
    }
}

/// The job queue, for operators.
#[derive(Debug, Clone)]
pub struct JobAdminService<J> {
    jobs: J,
}

impl<J: JobAdmin> JobAdminService<J> {
    /// Operates `jobs`.
    pub fn new(jobs: J) -> Self {
        Self { jobs }
    }

    /// Counts by state, and a page of jobs (optionally of one state) after `after_id`.
    ///
    /// # Errors
    /// [`JobAdminError::Store`].
    pub async fn overview(
        &self,
        state: Option<JobState>,
        after_id: Option<i64>,
        limit: usize,
    ) -> Result<(Vec<(JobState, u64)>, Vec<JobRecord>), JobAdminError> {
        let limit = if limit == 0 { 50 } else { limit.min(500) };
        Ok((self.jobs.counts().await?, self.jobs.list(state, after_id, limit).await?))
    }

    /// Queues a failed or dead job again with fresh attempts.
    ///
    /// # Errors
    /// [`JobAdminError::NotFound`], [`JobAdminError::Conflict`] or [`JobAdminError::Store`].
    pub async fn retry(&self, id: i64) -> Result<(), JobAdminError> {
        if self.jobs.retry(id).await? { Ok(()) } else { Err(JobAdminError::NotFound) }
    }

    /// Deletes a job that is not running.
    ///
    /// # Errors
    /// [`JobAdminError::NotFound`] or [`JobAdminError::Store`].
    pub async fn delete(&self, id: i64) -> Result<(), JobAdminError> {
        if self.jobs.delete(id).await? { Ok(()) } else { Err(JobAdminError::NotFound) }
    }
}
