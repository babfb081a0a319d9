//! The Microsoft identity platform (<https://learn.microsoft.com/entra/identity-platform/>)
//! as the port's [`MailAuth`](switchboard_ports::MailAuth): [`MicrosoftAuth`] over
//! [`MicrosoftAuthConfig`].

mod assertion;
mod client;
mod config;
mod errors;
mod keys;
mod mail_auth;
mod obo;
mod tokens;

pub use client::MicrosoftAuth;
pub use config::{AuthorityError, MicrosoftAuthConfig, TenantPolicy};
