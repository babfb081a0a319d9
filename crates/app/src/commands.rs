//! What each subcommand does.

pub mod admin;
pub mod jobs;
pub mod keygen;
pub mod migrate;
pub mod serve;
pub mod worker;
