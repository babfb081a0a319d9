#![doc = include_str!("../README.md")]

pub mod chat;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod mx;
pub mod ports;
pub mod sandbox;
pub mod telemetry;
pub mod tls;
pub mod webhooks;

use cli::{Cli, Command};
use config::{Config, Profile};
use error::AppError;

/// Runs one command line.
///
/// # Errors
/// Whatever stopped the command.
pub async fn run(cli: Cli) -> Result<(), AppError> {
    tls::install_crypto_provider();
    // Keys are made before there is a configuration that could load (production has none yet).
    if matches!(cli.command, Command::Keygen) {
        return commands::keygen::run();
    }
    let profile = Profile::from_env()?;
    let config = Config::load(profile, cli.config.as_deref())?;
    telemetry::init(&config.log);
    match cli.command {
        Command::Serve => {
            tracing::info!(%profile, "starting");
            commands::serve::run(&config).await
        }
        Command::Migrate { revert_all } => commands::migrate::run(&config, revert_all).await,
        Command::Worker => commands::worker::run(&config).await,
        Command::Jobs(command) => commands::jobs::run(&config, command).await,
        Command::Admin(command) => commands::admin::run(&config, command).await,
        Command::Keygen => commands::keygen::run(),
        Command::Config => {
            println!("profile: {profile}\n{config:#?}");
            Ok(())
        }
    }
}
