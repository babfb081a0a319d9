//! `switchboard admin create-user | rotate-secrets`.

use std::io::BufRead;

use secrecy::ExposeSecret;
use switchboard_domain::identity::Role;
use switchboard_services::{AdminService, SecretService};

use crate::cli::AdminCommand;
use crate::config::Config;
use crate::error::AppError;
use crate::ports::PgPorts;

/// The environment variable `create-user` reads the password from.
pub const PASSWORD_ENV: &str = "SWITCHBOARD_ADMIN_PASSWORD";

fn read_password() -> Result<String, AppError> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Runs an admin command.
///
/// # Errors
/// Bad input, or the database.
pub async fn run(config: &Config, command: AdminCommand) -> Result<(), AppError> {
    let pool = switchboard_postgres::connect(config.database.url.expose_secret(), 2)?;
    let identity = crate::ports::identity(pool, &config.auth)?;
    match command {
        AdminCommand::CreateUser { email, role } => {
            let role: Role =
                role.parse().map_err(|e: switchboard_domain::identity::InvalidRole| {
                    AppError::Command(e.to_string())
                })?;
            let password = read_password()?;
            let user = AdminService::<PgPorts>::new(identity)
                .create_user(&email, password, role)
                .await
                .map_err(|e| AppError::Command(format!("cannot create the user: {e}")))?;
            println!("created {} {} ({})", user.role, user.email, user.id);
        }
        AdminCommand::RotateSecrets => {
            let service = SecretService::<PgPorts>::new(identity.uow, identity.secrets);
            let count = service
                .rotate(100)
                .await
                .map_err(|e| AppError::Command(format!("rotation failed: {e}")))?;
            println!("re-encrypted {count} secret(s) under the current key");
        }
    }
    Ok(())
}
