//! The identity stores: [`crate::PgTx`] as users, sessions, API keys, throttles and sealed
//! secrets. Rows are converted to domain types at this edge.

mod api_keys;
pub mod changes;
mod rows;
mod sealed;
mod sessions;
mod throttles;
mod users;
