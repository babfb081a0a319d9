//! The event log, consumers and the job queue over a real PostgreSQL, a database per test.
//! The queue's own rules are the store contract's (`crates/postgres/tests/store.rs`).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod cli;
mod consumers;
mod events;
mod support;
mod workers;
