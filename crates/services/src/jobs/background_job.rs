//! The [`BackgroundJob`] trait.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use switchboard_ports::NewJob;

/// Why a job's attempt failed. Every failure is retried with backoff until the job's attempts
/// are used up; then the job is dead and keeps this message for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JobError(pub String);

impl JobError {
    /// A failure with a message for the operator (no secrets: it is stored and shown).
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// A kind of background job. Its value is the payload, stored as JSON; [`Self::run`] does the
/// work with the context the worker was given (services, clients).
///
/// Jobs should be idempotent: a job whose worker dies mid-run runs again once its lease ends.
pub trait BackgroundJob: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stable name that selects this code; stored with every job.
    const JOB_TYPE: &'static str;
    /// Higher runs first.
    const PRIORITY: i16 = 0;
    /// Attempts before the job is dead.
    const MAX_ATTEMPTS: u32 = 5;
    /// What the job needs to run.
    type Context: Clone + Send + Sync + 'static;

    /// At most one pending job per key (for example one sync per account at a time).
    fn dedupe_key(&self) -> Option<String> {
        None
    }

    /// Does the work.
    ///
    /// # Errors
    /// [`JobError`] to have the attempt retried later.
    fn run(&self, context: &Self::Context) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// The [`NewJob`] to enqueue for `job`.
///
/// # Errors
/// When the payload cannot be serialised.
pub fn new_job<J: BackgroundJob>(job: &J) -> Result<NewJob, serde_json::Error> {
    Ok(NewJob {
        job_type: J::JOB_TYPE.to_owned(),
        payload: serde_json::to_value(job)?,
        priority: J::PRIORITY,
        max_attempts: J::MAX_ATTEMPTS,
        dedupe_key: job.dedupe_key(),
        run_at: None,
    })
}
