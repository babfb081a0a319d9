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
    /// Operator commands.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `switchboard admin …`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user. The password is read from `SWITCHBOARD_ADMIN_PASSWORD` if set, else from
    /// the first line of standard input; never from the command line.
    CreateUser {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// member, admin or superadmin.
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// Re-encrypt every secret at rest under the current secret-box key.
    RotateSecrets,
}
