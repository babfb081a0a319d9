//! Google's OAuth 2.0 for web server apps
//! (<https://developers.google.com/identity/protocols/oauth2/web-server>) as the port's
//! [`MailAuth`](switchboard_ports::MailAuth): [`GoogleAuth`] over [`GoogleAuthConfig`].

mod client;
mod config;
mod errors;
mod mail_auth;

pub use client::GoogleAuth;
pub use config::GoogleAuthConfig;
