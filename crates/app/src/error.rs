//! Errors that stop the binary.

use switchboard_postgres::PostgresError;

use crate::config::ConfigError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad or unsafe configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be used.
    #[error(transparent)]
    Database(#[from] PostgresError),
    /// A store operation failed.
    #[error("store: {0}")]
    Store(#[from] switchboard_ports::StoreError),
    /// The command line asked for something impossible.
    #[error("{0}")]
    Usage(String),
    /// Keys or hashing parameters in the configuration are unusable.
    #[error("auth configuration: {0}")]
    Keys(String),
    /// An admin command failed.
    #[error("{0}")]
    Command(String),
    /// The server could not bind or run.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}
