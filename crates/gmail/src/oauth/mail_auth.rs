//! [`MailAuth`] for Google. Microsoft has no client here: it answers
//! [`MailAuthError::Unsupported`], as do Google's missing On-Behalf-Of and assertions.

use switchboard_domain::mail::MailProvider;
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAuth, MailAuthError, ProviderTokens};

use super::client::GoogleAuth;
use super::config::GoogleAuthConfig;

fn google(provider: MailProvider) -> Result<(), MailAuthError> {
    match provider {
        MailProvider::Google => Ok(()),
        other => Err(MailAuthError::Unsupported(other)),
    }
}

impl MailAuth for GoogleAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        provider == MailProvider::Google
    }

    fn scopes(&self, provider: MailProvider, write: bool, send: bool) -> Vec<String> {
        match provider {
            MailProvider::Google => GoogleAuthConfig::scopes_for(write, send),
            _ => Vec::new(),
        }
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        google(provider)?;
        GoogleAuth::authorization_url(self, request)
    }

    async fn exchange_code(
        &self,
        provider: MailProvider,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        google(provider)?;
        GoogleAuth::exchange_code(self, code, code_verifier, redirect_uri).await
    }

    async fn refresh(
        &self,
        provider: MailProvider,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        google(provider)?;
        GoogleAuth::refresh(self, refresh_token).await
    }

    /// Google offers no On-Behalf-Of flow, so no assertion of its is accepted here.
    async fn verify_assertion(
        &self,
        provider: MailProvider,
        _assertion: &str,
    ) -> Result<VerifiedAssertion, MailAuthError> {
        Err(MailAuthError::Unsupported(provider))
    }

    async fn on_behalf_of(
        &self,
        provider: MailProvider,
        _assertion: &str,
        _scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(MailAuthError::Unsupported(provider))
    }

    async fn revoke(
        &self,
        provider: MailProvider,
        tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        google(provider)?;
        GoogleAuth::revoke(self, tokens).await
    }
}
