//! Mail adapters that reach no provider, for embedders and tests without mail: every provider
//! is "not configured", and MX answers come from a [`FixedMx`] table.

use switchboard_domain::mail::{
    MailIdentity, MailProvider, OutgoingMessage, ProviderMessage, RemoteFolder,
};
use switchboard_ports::mail::{
    AttachmentContent, ChangePage, MailError, MailSource, SyncFrom, SyncScope,
};
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAdapters, MailAuth, MailAuthError, MailSourceFactory, ProviderTokens};

use crate::FixedMx;

/// No mail provider at all; MX lookups from a fixed table.
#[derive(Debug, Clone, Default)]
pub struct NoMail {
    mx: FixedMx,
}

impl NoMail {
    /// No provider, with this MX table.
    #[must_use]
    pub fn with_mx(mx: FixedMx) -> Self {
        Self { mx }
    }
}

/// The OAuth client of no provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMailAuth;

/// The API client of no provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMailSources;

/// A source that cannot exist ([`NoMailSources`] never builds one).
#[derive(Debug, Clone, Copy)]
pub enum NoMailSource {}

fn not_configured(provider: MailProvider) -> MailError {
    MailError::Provider {
        code: "not_configured".to_owned(),
        message: format!("no {provider} client is configured"),
    }
}

impl MailAdapters for NoMail {
    type Auth = NoMailAuth;
    type Sources = NoMailSources;
    type Mx = FixedMx;

    fn auth(&self) -> &NoMailAuth {
        &NoMailAuth
    }

    fn sources(&self) -> &NoMailSources {
        &NoMailSources
    }

    fn mx(&self) -> &FixedMx {
        &self.mx
    }
}

impl MailAuth for NoMailAuth {
    fn supports(&self, _provider: MailProvider) -> bool {
        false
    }

    fn scopes(&self, _provider: MailProvider, _write: bool, _send: bool) -> Vec<String> {
        Vec::new()
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        _request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        Err(MailAuthError::Unsupported(provider))
    }

    async fn exchange_code(
        &self,
        provider: MailProvider,
        _code: &str,
        _code_verifier: &str,
        _redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(MailAuthError::Unsupported(provider))
    }

    async fn refresh(
        &self,
        provider: MailProvider,
        _refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(MailAuthError::Unsupported(provider))
    }

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
        _provider: MailProvider,
        _tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        Ok(false)
    }
}

impl MailSourceFactory for NoMailSources {
    type Source = NoMailSource;

    fn source(
        &self,
        provider: MailProvider,
        _mailbox: &str,
        _access_token: &str,
    ) -> Result<NoMailSource, MailError> {
        Err(not_configured(provider))
    }
}

/// Never built, so never called: every method answers by matching on no value.
impl MailSource for NoMailSource {
    type Chunks = futures_util::stream::Empty<Result<Vec<u8>, MailError>>;

    fn provider(&self) -> MailProvider {
        match *self {}
    }

    fn sync_scope(&self) -> SyncScope {
        match *self {}
    }

    async fn identity(&self) -> Result<MailIdentity, MailError> {
        match *self {}
    }

    async fn folders(&self) -> Result<Vec<RemoteFolder>, MailError> {
        match *self {}
    }

    async fn changes(
        &self,
        _folder: Option<&str>,
        _from: SyncFrom<'_>,
    ) -> Result<ChangePage, MailError> {
        match *self {}
    }

    async fn message(&self, _id: &str) -> Result<ProviderMessage, MailError> {
        match *self {}
    }

    async fn attachment(
        &self,
        _message_id: &str,
        _attachment_id: &str,
    ) -> Result<AttachmentContent<Self::Chunks>, MailError> {
        match *self {}
    }

    async fn set_unread(&self, _id: &str, _unread: bool) -> Result<(), MailError> {
        match *self {}
    }

    async fn send(&self, _message: &OutgoingMessage) -> Result<(), MailError> {
        match *self {}
    }
}
