#![doc = include_str!("../README.md")]

pub mod error;
pub mod migrations;
pub mod pool;
pub mod readiness;

pub use error::PostgresError;
pub use pool::{PgPool, connect};
pub use readiness::PgReadiness;
