#![doc = include_str!("../README.md")]

pub mod event_log;
pub mod events;
pub mod health;
pub mod job_admin;
pub mod jobs;

pub use event_log::{EventLogError, EventLogService, EventPage, Viewer};
pub use events::{EventConsumer, catch_up, run_consumer_once};
pub use health::HealthService;
pub use job_admin::{JobAdminError, JobAdminService};
