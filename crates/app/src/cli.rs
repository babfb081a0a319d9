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
    /// Run background job workers until SIGTERM.
    Worker,
    /// Operator commands.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Inspect and operate the job queue.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Print a new Ed25519 signing key and a new secret-box key as environment variables
    /// (`SWITCHBOARD__AUTH__SIGNING_KEYS`, `SWITCHBOARD__AUTH__SECRET_KEYS`).
    Keygen,
}

/// `switchboard jobs …`
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// How many jobs are queued, running, failed and dead.
    Counts,
    /// List jobs, by id.
    List {
        /// Only jobs in this state: queued, running, failed or dead.
        #[arg(long)]
        state: Option<String>,
        /// Only jobs after this id.
        #[arg(long)]
        after: Option<i64>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Queue a failed or dead job again, with fresh attempts.
    Retry {
        /// The job's id.
        id: i64,
    },
    /// Delete a job that is not running.
    Delete {
        /// The job's id.
        id: i64,
    },
    /// Enqueue a job (for example `system.sleep` with `{"millis": 5000}`).
    Enqueue {
        /// The job type.
        #[arg(long = "type")]
        job_type: String,
        /// The payload, as JSON.
        #[arg(long, default_value = "{}")]
        payload: String,
        /// Attempts before the job is dead.
        #[arg(long, default_value_t = 5)]
        max_attempts: u32,
        /// At most one pending job per key.
        #[arg(long)]
        dedupe_key: Option<String>,
    },
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
