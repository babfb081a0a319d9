//! What each subcommand does.

pub mod admin;
pub mod migrate;
pub mod serve;
