//! The job types this binary runs, and starting worker loops.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::Backoff;
use switchboard_postgres::PgJobQueue;
use switchboard_services::jobs::{JobRegistry, NoopJob, SleepJob, Worker, WorkerConfig};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::JobsConfig;

/// What jobs get to do their work. Later features add their services here.
pub type JobContext = ();

/// Every job type this binary knows.
pub fn registry() -> JobRegistry<JobContext> {
    JobRegistry::new().register::<NoopJob>().register::<SleepJob>()
}

/// The worker settings for loop `index` of this process.
pub fn worker_config(config: &JobsConfig, index: usize) -> WorkerConfig {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".to_owned());
    WorkerConfig {
        id: format!("{host}:{}:{index}", std::process::id()),
        concurrency: config.concurrency.max(1),
        lease: Duration::from_secs(config.lease_secs.max(1)),
        poll_interval: Duration::from_millis(config.poll_interval_ms.max(1)),
        backoff: Backoff {
            base: Duration::from_millis(config.backoff_base_ms),
            max: Duration::from_secs(config.backoff_max_secs),
        },
        shutdown_grace: Duration::from_secs(config.shutdown_grace_secs),
    }
}

/// Starts `count` worker loops; they stop when `shutdown` turns true.
pub fn spawn_workers(
    queue: &PgJobQueue,
    config: &JobsConfig,
    count: usize,
    shutdown: &watch::Receiver<bool>,
) -> JoinSet<()> {
    let registry = Arc::new(registry());
    let mut workers = JoinSet::new();
    for index in 0..count {
        let worker = Worker::new(queue.clone(), registry.clone(), (), worker_config(config, index));
        workers.spawn(worker.run(shutdown.clone()));
    }
    workers
}
