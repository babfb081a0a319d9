//! Maps job types to the code that runs them.

use std::collections::HashMap;
use std::fmt;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::{BackgroundJob, JobError};

type Runner<C> =
    Box<dyn Fn(serde_json::Value, C) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;

/// The job types a worker can run, all sharing one context type `C`.
pub struct JobRegistry<C> {
    runners: HashMap<&'static str, Runner<C>>,
}

impl<C> fmt::Debug for JobRegistry<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobRegistry")
            .field("job_types", &self.runners.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<C: Clone + Send + Sync + 'static> Default for JobRegistry<C> {
    fn default() -> Self {
        Self { runners: HashMap::new() }
    }
}

impl<C: Clone + Send + Sync + 'static> JobRegistry<C> {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a job type whose context is the registry's.
    #[must_use]
    pub fn register<J: BackgroundJob<Context = C>>(self) -> Self {
        self.register_with::<J>(C::clone)
    }

    /// Adds a job type whose context is derived from the registry's (for example a part of it,
    /// or `()`).
    #[must_use]
    pub fn register_with<J: BackgroundJob>(
        mut self,
        project: impl Fn(&C) -> J::Context + Send + Sync + 'static,
    ) -> Self {
        let project = std::sync::Arc::new(project);
        self.runners.insert(
            J::JOB_TYPE,
            Box::new(move |payload, context| {
                let job_context = project(&context);
                async move {
                    let job: J = serde_json::from_value(payload).map_err(|e| {
                        JobError::new(format!("bad payload for {}: {e}", J::JOB_TYPE))
                    })?;
                    job.run(&job_context).await
                }
                .boxed()
            }),
        );
        self
    }

    /// Whether `job_type` can be run here.
    pub fn knows(&self, job_type: &str) -> bool {
        self.runners.contains_key(job_type)
    }

    /// Runs one job.
    ///
    /// # Errors
    /// The job's failure, or an unknown job type.
    pub async fn run(
        &self,
        job_type: &str,
        payload: serde_json::Value,
        context: C,
    ) -> Result<(), JobError> {
        match self.runners.get(job_type) {
            Some(runner) => runner(payload, context).await,
            None => Err(JobError::new(format!("no worker here knows job type {job_type:?}"))),
        }
    }
}
