//! The [`BackgroundJob`] trait.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use switchboard_ports::NewJob;

/// Why a job's attempt failed. Every failure is retried until the job's attempts are used up;
/// then the job is dead and keeps this message for the operator.
///
/// The next attempt waits the worker's exponential backoff, unless the failure says how long
/// to wait ([`JobError::retry_after`], for example a provider's `Retry-After`): then it runs
/// no earlier than that, so an attempt is not spent on a call bound to be refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JobError {
    message: String,
    retry_after: Option<Duration>,
}

impl JobError {
    /// A failure with a message for the operator (no secrets: it is stored and shown).
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), retry_after: None }
    }

    /// This failure, to be retried no sooner than `wait` from now (a zero wait leaves the
    /// worker's backoff in charge).
    #[must_use]
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = (!wait.is_zero()).then_some(wait);
        self
    }

    /// The message stored with the job.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How long the next attempt must wait at least, when the failure said so.
    pub fn wait(&self) -> Option<Duration> {
        self.retry_after
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
