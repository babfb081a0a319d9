#![doc = include_str!("../README.md")]

pub mod chat;
pub mod chat_stats;
pub mod consumers;
pub mod error;
pub mod events;
pub mod identity;
pub mod jobs;
pub mod migrations;
pub mod oauth;
pub mod pool;
pub mod readiness;
#[expect(missing_docs, reason = "diesel's table! items; the migrations document the tables")]
pub mod schema;
pub mod unit_of_work;

pub use error::PostgresError;
pub use events::{EventFilter, PgEventLog};
pub use jobs::PgJobQueue;
pub use pool::{PgPool, connect};
pub use readiness::PgReadiness;
pub use unit_of_work::{PgTx, PgUnitOfWork};
