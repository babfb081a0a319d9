//! [`PgTx`](crate::PgTx) as the webhook store: subscriptions, their ordered outboxes and the
//! attempts of each delivery.

mod rows;
mod store;
