//! Built-in job types, for operators to check the queue end to end (`switchboard jobs
//! enqueue`) and for benchmarks.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{BackgroundJob, JobError};

/// Does nothing: measures the queue's own cost.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoopJob {
    /// An optional marker, to tell jobs apart.
    #[serde(default)]
    pub tag: Option<String>,
}

impl BackgroundJob for NoopJob {
    const JOB_TYPE: &'static str = "system.noop";
    type Context = ();

    async fn run(&self, _context: &()) -> Result<(), JobError> {
        Ok(())
    }
}

/// Waits, then succeeds: a job that is still running when a worker is stopped or killed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SleepJob {
    /// How long to wait, in milliseconds.
    pub millis: u64,
}

impl BackgroundJob for SleepJob {
    const JOB_TYPE: &'static str = "system.sleep";
    const MAX_ATTEMPTS: u32 = 3;
    type Context = ();

    async fn run(&self, _context: &()) -> Result<(), JobError> {
        tokio::time::sleep(Duration::from_millis(self.millis)).await;
        Ok(())
    }
}
