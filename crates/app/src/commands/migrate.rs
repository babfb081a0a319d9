//! `switchboard migrate`

use secrecy::ExposeSecret;
use switchboard_postgres::migrations;

use crate::config::Config;
use crate::error::AppError;

/// Applies pending migrations, or reverts them all.
///
/// # Errors
/// When the database cannot be reached or a migration fails.
pub async fn run(config: &Config, revert_all: bool) -> Result<(), AppError> {
    let url = config.database.url.expose_secret();
    if revert_all {
        let reverted = migrations::revert_all(url).await?;
        tracing::warn!(count = reverted.len(), versions = ?reverted, "reverted migrations");
    } else {
        let applied = migrations::run_pending(url).await?;
        tracing::info!(count = applied.len(), versions = ?applied, "applied migrations");
    }
    Ok(())
}
