//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Switchboard: mail, chat and conversation analytics behind one API.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, about)]
pub struct Cli {
    /// A TOML file applied over the profile's configuration (before environment variables).
    #[arg(long, global = true, env = "SWITCHBOARD_CONFIG_FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (and, with later features, background workers).
    Serve,
    /// Apply pending database migrations.
    Migrate {
        /// Revert every migration instead (destroys all data).
        #[arg(long)]
        revert_all: bool,
    },
    /// Print the effective configuration, secrets redacted, and check it.
    Config,
}
