//! What each subcommand does.

pub mod jobs;
pub mod migrate;
pub mod serve;
pub mod worker;
