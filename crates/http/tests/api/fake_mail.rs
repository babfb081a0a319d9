//! A stand-in for the providers' OAuth clients, enough to drive the link routes in process:
//! Microsoft is configured, its consent page is a URL carrying the state, every code and
//! refresh token is refused, and assertions are judged by their text (`needs-consent` is a
//! valid token Microsoft wants consent for; anything else is forged). No mailbox is ever
//! reachable: the mail adapters themselves are tested against the sandbox over HTTP.

use std::future::Future;

use chrono::Utc;
use switchboard_domain::mail::MailProvider;
use switchboard_memory::FixedMx;
use switchboard_memory::no_mail::NoMailSources;
use switchboard_ports::mail_auth::{AuthorizationRequest, VerifiedAssertion};
use switchboard_ports::{MailAdapters, MailAuth, MailAuthError, ProviderTokens};

/// The consent page the fake answers.
pub const AUTHORIZE: &str = "https://login.example/authorize";
/// The assertion Microsoft wants the user's consent for.
pub const NEEDS_CONSENT: &str = "needs-consent";
/// The claims challenge that comes with it.
pub const CLAIMS: &str = r#"{"access_token":{"xms_cc":{"values":["cp1"]}}}"#;

/// Microsoft's OAuth client (a fake) and MX answers from a table; no mailbox client.
#[derive(Debug, Clone, Default)]
pub struct FakeMail {
    pub mx: FixedMx,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct FakeMailAuth;

impl MailAdapters for FakeMail {
    type Auth = FakeMailAuth;
    type Sources = NoMailSources;
    type Mx = FixedMx;

    fn auth(&self) -> &FakeMailAuth {
        &FakeMailAuth
    }

    fn sources(&self) -> &NoMailSources {
        &NoMailSources
    }

    fn mx(&self) -> &FixedMx {
        &self.mx
    }
}

fn refused() -> MailAuthError {
    MailAuthError::InvalidGrant {
        code: "AADSTS70008".to_owned(),
        description: "the code has expired".to_owned(),
    }
}

impl MailAuth for FakeMailAuth {
    fn supports(&self, provider: MailProvider) -> bool {
        provider == MailProvider::Microsoft
    }

    fn scopes(&self, _provider: MailProvider, _write: bool, _send: bool) -> Vec<String> {
        vec!["offline_access".to_owned(), "Mail.Read".to_owned()]
    }

    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError> {
        if !self.supports(provider) {
            return Err(MailAuthError::Unsupported(provider));
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("state", request.state)
            .append_pair("login_hint", request.login_hint)
            .append_pair("code_challenge", request.code_challenge)
            .finish();
        Ok(format!("{AUTHORIZE}?{query}"))
    }

    async fn exchange_code(
        &self,
        _provider: MailProvider,
        _code: &str,
        _code_verifier: &str,
        _redirect_uri: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(refused())
    }

    async fn refresh(
        &self,
        _provider: MailProvider,
        _refresh_token: &str,
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(refused())
    }

    fn verify_assertion(
        &self,
        _provider: MailProvider,
        assertion: &str,
    ) -> impl Future<Output = Result<VerifiedAssertion, MailAuthError>> + Send {
        let answer = if assertion == NEEDS_CONSENT {
            Ok(VerifiedAssertion {
                object_id: "oid-1".to_owned(),
                tenant_id: "tid-1".to_owned(),
                username: Some("ada@contoso.example".to_owned()),
                name: Some("Ada".to_owned()),
                expires_at: Utc::now() + chrono::Duration::hours(1),
            })
        } else {
            Err(MailAuthError::InvalidAssertion("bad signature".to_owned()))
        };
        async move { answer }
    }

    async fn on_behalf_of(
        &self,
        _provider: MailProvider,
        _assertion: &str,
        _scopes: &[String],
    ) -> Result<ProviderTokens, MailAuthError> {
        Err(MailAuthError::InteractionRequired {
            error: "consent_required".to_owned(),
            claims: Some(CLAIMS.to_owned()),
            description: "AADSTS65001: the user has not consented".to_owned(),
        })
    }

    async fn revoke(
        &self,
        _provider: MailProvider,
        _tokens: &ProviderTokens,
    ) -> Result<bool, MailAuthError> {
        Ok(false)
    }
}
