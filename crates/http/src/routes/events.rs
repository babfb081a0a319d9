//! The event log.

pub mod list;
