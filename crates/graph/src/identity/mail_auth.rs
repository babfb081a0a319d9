//! [`MailAuth`] for Microsoft. Any other provider answers [`MailAuthError::Unsupported`]:
//! its client lives in its own adapter, and the app dispatches by provider.

use switchboard_domain::mail::MailProvider;
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAuth, MailAuthError, ProviderTokens};

use super::client::MicrosoftAuth;
use super::config::MicrosoftAuthConfig;

fn microsoft(provider: MailProvider) -> Result<(), MailAuthError> {
    match provider {
        MailProvider::Microsoft => Ok(()),
        other => Err(MailAuthError::Unsupported(other)),
    }
}

impl MailAuth for MicrosoftAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        provider == MailProvider::Microsoft
    }

    fn scopes(&self, provider: MailProvider, write: bool, send: bool) -> Vec<String> {
        match provider {
            MailProvider::Microsoft => MicrosoftAuthConfig::scopes_for(write, send),
            _ => Vec::new(),
        }
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        microsoft(provider)?;
        MicrosoftAuth::authorization_url(self, request)
    }

    async fn exchange_code(
        &self,
        provider: MailProvider,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        microsoft(provider)?;
        MicrosoftAuth::exchange_code(self, code, code_verifier, redirect_uri).await
    }

    async fn refresh(
        &self,
        provider: MailProvider,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        microsoft(provider)?;
        MicrosoftAuth::refresh(self, refresh_token).await
    }

    async fn verify_assertion(
        &self,
        provider: MailProvider,
        assertion: &str,
    ) -> Result<VerifiedAssertion, MailAuthError> {
        microsoft(provider)?;
        MicrosoftAuth::verify_assertion(self, assertion).await
    }

    async fn on_behalf_of(
        &self,
        provider: MailProvider,
        assertion: &str,
        scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        microsoft(provider)?;
        MicrosoftAuth::on_behalf_of(self, assertion, scopes).await
    }

    /// Microsoft offers no endpoint to revoke one delegated refresh token (only an admin's
    /// `revokeSignInSessions`, which signs the user out everywhere): nothing is revoked, and
    /// the caller purges the tokens it holds.
    async fn revoke(
        &self,
        provider: MailProvider,
        _tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        microsoft(provider)?;
        Ok(false)
    }
}
