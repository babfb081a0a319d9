//! The event log, consumers and the job queue over a real PostgreSQL, a database per test.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod cli;
mod consumers;
mod events;
mod jobs;
mod support;
mod workers;
