//! Background jobs: what a job is ([`BackgroundJob`]), how its type finds its code
//! ([`JobRegistry`]), and the worker that runs them ([`Worker`]).

mod background_job;
mod registry;
mod system;
mod worker;

pub use background_job::{BackgroundJob, JobError, new_job};
pub use registry::JobRegistry;
pub use system::{NoopJob, SleepJob};
pub use worker::{Worker, WorkerConfig};
