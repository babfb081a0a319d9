//! The OAuth clients of the configured providers behind one [`MailAuth`]: each call goes to
//! the client of the provider it names.

use std::sync::Arc;

use switchboard_domain::mail::MailProvider;
use switchboard_gmail::GoogleAuth;
use switchboard_graph::MicrosoftAuth;
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAuth, MailAuthError, ProviderTokens};

/// The OAuth clients of the configured providers; the others answer
/// [`MailAuthError::Unsupported`].
#[derive(Debug, Clone)]
pub struct ProviderAuth {
    pub(super) microsoft: Option<Arc<MicrosoftAuth>>,
    pub(super) google: Option<Arc<GoogleAuth>>,
}

/// A configured client.
enum Client<'a> {
    Microsoft(&'a MicrosoftAuth),
    Google(&'a GoogleAuth),
}

/// Runs `$call` on whichever client `$client` is.
macro_rules! either {
    ($client:expr, $c:ident => $call:expr) => {
        match $client {
            Client::Microsoft($c) => $call,
            Client::Google($c) => $call,
        }
    };
}

impl ProviderAuth {
    fn client(&self, provider: MailProvider) -> Result<Client<'_>, MailAuthError> {
        match (provider, &self.microsoft, &self.google) {
            (MailProvider::Microsoft, Some(client), _) => Ok(Client::Microsoft(client)),
            (MailProvider::Google, _, Some(client)) => Ok(Client::Google(client)),
            _ => Err(MailAuthError::Unsupported(provider)),
        }
    }
}

impl MailAuth for ProviderAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        self.client(provider).is_ok()
    }

    fn scopes(&self, provider: MailProvider, write: bool, send: bool) -> Vec<String> {
        self.client(provider)
            .map(|c| either!(c, c => c.scopes(provider, write, send)))
            .unwrap_or_default()
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        either!(self.client(provider)?, c => c.authorization_url(provider, request))
    }

    async fn exchange_code(
        &self,
        provider: MailProvider,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        either!(self.client(provider)?, c => c.exchange_code(provider, code, code_verifier, redirect_uri).await)
    }

    async fn refresh(
        &self,
        provider: MailProvider,
        refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        either!(self.client(provider)?, c => c.refresh(provider, refresh_token).await)
    }

    async fn verify_assertion(
        &self,
        provider: MailProvider,
        assertion: &str,
    ) -> Result<VerifiedAssertion, MailAuthError> {
        either!(self.client(provider)?, c => c.verify_assertion(provider, assertion).await)
    }

    async fn on_behalf_of(
        &self,
        provider: MailProvider,
        assertion: &str,
        scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        either!(self.client(provider)?, c => c.on_behalf_of(provider, assertion, scopes).await)
    }

    async fn revoke(
        &self,
        provider: MailProvider,
        tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        match self.client(provider) {
            Ok(client) => either!(client, c => c.revoke(provider, tokens).await),
            Err(_) => Ok(false),
        }
    }
}
