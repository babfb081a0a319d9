#![doc = include_str!("../README.md")]

pub mod chat;
pub mod chat_stats;
pub mod consumers;
pub mod error;
pub mod events;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod mail_stats;
pub mod migrations;
pub mod notifications;
pub mod oauth;
pub mod ops;
mod page_plan;
pub mod pool;
pub(crate) mod prepared;
pub mod readiness;
/// The tables diesel's query builder knows: `diesel print-schema` of the migrated database
/// (settings in `diesel.toml`, array element types fixed by `schema.patch`), never edited by
/// hand. `scripts/check-schema.sh`, run by `make test`, migrates a fresh database and fails
/// when this file differs from what diesel prints for it.
#[expect(missing_docs, reason = "diesel's table! items; the migrations document the tables")]
pub mod schema;
mod search_steps;
pub mod stream;
pub mod unit_of_work;
pub mod webhooks;

pub use error::PostgresError;
pub use events::{EventFilter, PgEventLog};
pub use identity::changes::watch_identity;
pub use jobs::{JobListener, PgJobQueue, PgWakeups};
pub use pool::{PgPool, connect};
pub use readiness::PgReadiness;
pub use stream::{EventListener, PgEventFeed};
pub use unit_of_work::{PgTx, PgUnitOfWork};
