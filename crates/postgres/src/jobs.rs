//! The job queue on PostgreSQL: enqueued inside use-case transactions, claimed with
//! `FOR UPDATE SKIP LOCKED`, held under leases, woken by `LISTEN/NOTIFY`.

mod admin;
mod enqueue;
pub(crate) mod listener;
mod queue;
mod rows;

pub use enqueue::enqueue;
pub use queue::{JobListener, PgJobQueue, PgWakeups};

/// The channel `NOTIFY` wakes workers on.
pub const CHANNEL: &str = "switchboard_jobs";
