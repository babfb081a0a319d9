//! Mail wired from configuration: Microsoft's identity platform and Graph (when a client id is
//! configured), the MX lookup, and the service's policy.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use switchboard_domain::mail::MailProvider;
use switchboard_graph::{GraphConfig, GraphSources, MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAdapters, MailAuth, MailAuthError, ProviderTokens};
use switchboard_services::MailPolicy;

use crate::config::{Config, MailConfig};
use crate::error::AppError;
use crate::mx::AppMx;

/// The mail providers this process reaches, and the MX lookup.
#[derive(Debug, Clone)]
pub struct ProviderMail {
    auth: ProviderAuth,
    sources: GraphSources,
    mx: AppMx,
}

impl ProviderMail {
    /// The providers configured in `config` (Outlook when `mail.microsoft.client_id` is set).
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
            settings.write_back = config.write_back;
            settings.send = config.send;
            settings.timeout = timeout;
            let client = MicrosoftAuth::new(settings)
                .map_err(|e| AppError::Command(format!("mail.microsoft: {e}")))?;
            Some(Arc::new(client))
        };
        let mut graph = GraphConfig::new(microsoft.graph_base_url.clone());
        graph.timeout = timeout;
        let sources = GraphSources::new(graph)
            .map_err(|e| AppError::Command(format!("mail.microsoft.graph_base_url: {e}")))?;
        let mx = AppMx::new(&config.mx_overrides, &config.dns_servers, Duration::from_secs(5))?;
        Ok(Self { auth: ProviderAuth { microsoft: auth }, sources, mx })
    }
}

impl MailAdapters for ProviderMail {
    type Auth = ProviderAuth;
    type Sources = GraphSources;
    type Mx = AppMx;

    fn auth(&self) -> &ProviderAuth {
        &self.auth
    }

    fn sources(&self) -> &GraphSources {
        &self.sources
    }

    fn mx(&self) -> &AppMx {
        &self.mx
    }
}

/// The OAuth clients of the configured providers; the others answer
/// [`MailAuthError::Unsupported`].
#[derive(Debug, Clone)]
pub struct ProviderAuth {
    microsoft: Option<Arc<MicrosoftAuth>>,
}

impl ProviderAuth {
    fn client(&self, provider: MailProvider) -> Result<&MicrosoftAuth, MailAuthError> {
        match (provider, &self.microsoft) {
            (MailProvider::Microsoft, Some(client)) => Ok(client.as_ref()),
            _ => Err(MailAuthError::Unsupported(provider)),
        }
    }
}

impl MailAuth for ProviderAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        self.client(provider).is_ok()
    }

    fn scopes(&self, provider: MailProvider, write: bool, send: bool) -> Vec<String> {
        self.client(provider).map(|c| c.scopes(provider, write, send)).unwrap_or_default()
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        self.client(provider)?.authorization_url(provider, request)
    }

    async fn exchange_code(
        &self,
        provider: MailProvider,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        self.client(provider)?.exchange_code(provider, code, code_verifier, redirect_uri).await
    }

    async fn refresh(
        &self,
        provider: MailProvider,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        self.client(provider)?.refresh(provider, refresh_token).await
    }

    async fn verify_assertion(
        &self,
        provider: MailProvider,
        assertion: &str,
    ) -> Result<VerifiedAssertion, MailAuthError> {
        self.client(provider)?.verify_assertion(provider, assertion).await
    }

    async fn on_behalf_of(
        &self,
        provider: MailProvider,
        assertion: &str,
        scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        self.client(provider)?.on_behalf_of(provider, assertion, scopes).await
    }

    async fn revoke(
        &self,
        provider: MailProvider,
        tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        match self.client(provider) {
            Ok(client) => client.revoke(provider, tokens).await,
            Err(_) => Ok(false),
        }
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
    }
}
