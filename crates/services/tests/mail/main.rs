//! Mail use cases over the in-memory store, against the sandbox's fake Microsoft identity
//! platform and Graph through the real adapters.

#![expect(clippy::unwrap_used, reason = "tests")]

mod detection;
mod link;
mod postgres;
mod reads;
mod sign_in;
mod support;
mod sync;
mod tokens;
