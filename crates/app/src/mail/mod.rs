//! Mail wired from configuration: Microsoft's identity platform and Graph, Google's OAuth 2.0
//! and the Gmail API (each when its client id is configured), the MX lookup, and the
//! service's policy.

mod auth;
mod sources;

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use switchboard_gmail::{GmailConfig, GmailSources, GoogleAuth, GoogleAuthConfig};
use switchboard_graph::{GraphConfig, GraphSources, MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_ports::MailAdapters;
use switchboard_services::MailPolicy;

pub use auth::ProviderAuth;
pub use sources::{ProviderChunks, ProviderSource, ProviderSources};

use crate::config::{Config, GoogleConfig, MailConfig};
use crate::error::AppError;
use crate::mx::AppMx;

/// The mail providers this process reaches, and the MX lookup.
#[derive(Debug, Clone)]
pub struct ProviderMail {
    auth: ProviderAuth,
    sources: ProviderSources,
    mx: AppMx,
}

impl ProviderMail {
    /// The providers configured in `config` (Outlook when `mail.microsoft.client_id` is set,
    /// Gmail when `mail.google.client_id` is).
    ///
    /// # Errors
    /// [`AppError::Command`] for an endpoint this build refuses, or a bad DNS server.
    pub fn new(config: &MailConfig) -> Result<Self, AppError> {
        let timeout = Duration::from_secs(config.request_timeout_secs.max(1));
        let microsoft = &config.microsoft;
        let auth = if microsoft.client_id.is_empty() {
            None
        } else {
            let mut settings = MicrosoftAuthConfig::new(
                microsoft.login_base_url.clone(),
                microsoft.tenant.clone(),
                microsoft.client_id.clone(),
                microsoft.client_secret.expose_secret().to_owned().into(),
            );
            settings.audiences.extend(microsoft.audiences.iter().cloned());
            settings.key_max_age = Duration::from_secs(microsoft.signing_keys_max_age_secs.max(1));
            // Never shorter than the age: a set is not dropped before it would be replaced.
            settings.key_stale_limit = Duration::from_secs(
                microsoft.signing_keys_stale_limit_secs.max(microsoft.signing_keys_max_age_secs),
            );
            settings.write_back = config.write_back;
            settings.send = config.send;
            settings.timeout = timeout;
            let client = MicrosoftAuth::new(settings)
                .map_err(|e| AppError::Command(format!("mail.microsoft: {e}")))?;
            Some(Arc::new(client))
        };
        let mut graph = GraphConfig::new(microsoft.graph_base_url.clone());
        graph.timeout = timeout;
        let graph = GraphSources::new(graph)
            .map_err(|e| AppError::Command(format!("mail.microsoft.graph_base_url: {e}")))?;
        let mut gmail = GmailConfig::new(config.google.gmail_base_url.clone());
        gmail.timeout = timeout;
        let gmail = GmailSources::new(gmail)
            .map_err(|e| AppError::Command(format!("mail.google.gmail_base_url: {e}")))?;
        let google = google_auth(config, &config.google, timeout)?;
        let mx = AppMx::new(&config.mx_overrides, &config.dns_servers, Duration::from_secs(5))?;
        Ok(Self {
            auth: ProviderAuth { microsoft: auth, google },
            sources: ProviderSources { graph, gmail },
            mx,
        })
    }
}

/// Google's OAuth client when `mail.google.client_id` is set: `gmail.modify` and `gmail.send`
/// are asked only when writing back and sending are enabled.
fn google_auth(
    mail: &MailConfig,
    google: &GoogleConfig,
    timeout: Duration,
) -> Result<Option<Arc<GoogleAuth>>, AppError> {
    if google.client_id.is_empty() {
        return Ok(None);
    }
    let settings = GoogleAuthConfig {
        auth_url: google.authorize_url.clone(),
        token_url: google.token_url.clone(),
        revoke_url: google.revoke_url.clone(),
        write_back: mail.write_back,
        send: mail.send,
        timeout,
        ..GoogleAuthConfig::new(
            google.client_id.clone(),
            google.client_secret.expose_secret().to_owned().into(),
        )
    };
    let client =
        GoogleAuth::new(settings).map_err(|e| AppError::Command(format!("mail.google: {e}")))?;
    Ok(Some(Arc::new(client)))
}

impl MailAdapters for ProviderMail {
    type Auth = ProviderAuth;
    type Sources = ProviderSources;
    type Mx = AppMx;

    fn auth(&self) -> &ProviderAuth {
        &self.auth
    }

    fn sources(&self) -> &ProviderSources {
        &self.sources
    }

    fn mx(&self) -> &AppMx {
        &self.mx
    }
}

/// The mail service's policy from configuration; `callback_uri` is this server's callback
/// when `mail.callback_uri` is empty.
pub fn policy(config: &Config, callback_uri: &str) -> MailPolicy {
    let mail = &config.mail;
    MailPolicy {
        window_days: mail.window_days.max(1),
        batch_size: mail.batch_size.max(1),
        state_ttl: Duration::from_secs(mail.state_ttl_secs.max(1)),
        link_code_ttl: Duration::from_secs(mail.link_code_ttl_secs.max(1)),
        callback_uri: if mail.callback_uri.is_empty() {
            callback_uri.to_owned()
        } else {
            mail.callback_uri.clone()
        },
        allowed_redirect_uris: mail.allowed_redirect_uris.clone(),
        write_back: mail.write_back,
        send: mail.send,
        refresh_margin: Duration::from_secs(mail.refresh_margin_secs),
        page_cache_bytes: mail.page_cache_mb.saturating_mul(1024 * 1024),
    }
}
