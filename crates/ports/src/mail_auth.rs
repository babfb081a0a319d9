//! Mail authorization: the OAuth 2.0 side of linking a mailbox. The authorization code grant
//! with PKCE (RFC 7636, S256), refresh (with rotation: a refresh answer may carry a new refresh
//! token, which replaces the old one at once), Microsoft's On-Behalf-Of exchange of a token
//! issued to a client of this API, the validation of such a token (signature from the issuer's
//! JWKS found through OpenID discovery, audience, issuer, expiry) and revocation where the
//! provider offers it.
//!
//! Adapters: `switchboard-graph` (the Microsoft identity platform) and later Google's. Every
//! endpoint comes from configuration, so a local fake can stand in.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::mail::MailProvider;

/// Tokens a provider granted for one mailbox. Never logged: `Debug` hides the tokens.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProviderTokens {
    /// The bearer token for the provider's API.
    pub access_token: String,
    /// The token that gets the next access token, if the provider granted one.
    pub refresh_token: Option<String>,
    /// When the access token stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// The scopes granted (space-separated in the provider's answer), as a list.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for ProviderTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderTokens")
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

impl ProviderTokens {
    /// The access token lifetime assumed when a token endpoint's answer omits `expires_in`
    /// (both providers' default).
    pub const DEFAULT_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

    /// The tokens of a token endpoint's answer: expiring `expires_in` from now (an hour when
    /// absent), with the `granted` scopes, or the `asked` ones when the answer lists none.
    #[must_use]
    pub fn from_answer(
        access_token: String,
        refresh_token: Option<String>,
        expires_in: Option<std::time::Duration>,
        granted: Option<Vec<String>>,
        asked: &[String],
    ) -> Self {
        let lifetime = expires_in.unwrap_or(Self::DEFAULT_LIFETIME);
        let expires_at = chrono::Utc::now()
            + chrono::Duration::from_std(lifetime).unwrap_or_else(|_| chrono::Duration::hours(1));
        Self {
            access_token,
            refresh_token,
            expires_at,
            scopes: granted.unwrap_or_else(|| asked.to_vec()),
        }
    }

    /// Whether the granted scopes include `scope` (compared case-insensitively, and ignoring a
    /// resource prefix such as `https://graph.microsoft.com/`).
    ///
    /// ```
    /// # use switchboard_ports::mail_auth::ProviderTokens;
    /// let tokens = ProviderTokens {
    ///     access_token: "a".into(),
    ///     refresh_token: None,
    ///     expires_at: chrono::Utc::now(),
    ///     scopes: vec!["https://graph.microsoft.com/Mail.Read".into(), "offline_access".into()],
    /// };
    /// assert!(tokens.has_scope("mail.read"));
    /// assert!(!tokens.has_scope("Mail.Send"));
    /// ```
    #[must_use]
    pub fn has_scope(&self, scope: &str) -> bool {
        let bare = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
        let wanted = bare(scope);
        self.scopes.iter().any(|granted| bare(granted) == wanted)
    }
}

/// What the authorization URL carries, besides the client and the provider's endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest<'a> {
    /// The `state` the callback will bring back.
    pub state: &'a str,
    /// The PKCE challenge: base64url(SHA-256(verifier)), method S256.
    pub code_challenge: &'a str,
    /// The address the user typed (`login_hint`).
    pub login_hint: &'a str,
    /// This server's callback, registered with the provider.
    pub redirect_uri: &'a str,
    /// The scopes asked for.
    pub scopes: &'a [String],
}

/// A verified token issued by the provider to a client of this API (the On-Behalf-Of
/// assertion, or the token a mobile app signs in with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    /// The user's immutable object id at the provider (`oid`).
    pub object_id: String,
    /// The directory (tenant) the user belongs to (`tid`).
    pub tenant_id: String,
    /// The user's sign-in name or address (`preferred_username`, `upn` or `email`), if any.
    pub username: Option<String>,
    /// The user's display name (`name`), if any.
    pub name: Option<String>,
    /// When the assertion expires.
    pub expires_at: DateTime<Utc>,
}

/// Why an authorization call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MailAuthError {
    /// The grant is dead (`invalid_grant`: code used or expired, refresh token expired or
    /// revoked, password changed). The user must link again.
    #[error("the provider refused the grant ({code}): {description}")]
    InvalidGrant {
        /// The provider's own code (an `AADSTS…` number for Microsoft), or `invalid_grant`.
        code: String,
        /// The provider's description.
        description: String,
    },
    /// The user must interact with the provider first (`interaction_required`,
    /// `consent_required`): the client shows the provider's sign-in or consent again, passing
    /// `claims` if given.
    #[error("the provider needs the user ({error}): {description}")]
    InteractionRequired {
        /// `interaction_required` or `consent_required` (also a `suberror` such as
        /// `consent_required` under `interaction_required`).
        error: String,
        /// The claims challenge to pass to the provider's authorization, if any.
        claims: Option<String>,
        /// The provider's description.
        description: String,
    },
    /// The assertion is not a token the provider issued for this API, or it expired.
    #[error("invalid assertion: {0}")]
    InvalidAssertion(String),
    /// The feature is not available for this provider (On-Behalf-Of at Google).
    #[error("not supported by {0}")]
    Unsupported(MailProvider),
    /// The provider refused the request for another reason (a misconfigured client).
    #[error("provider error {code}: {description}")]
    Provider {
        /// The OAuth `error` code.
        code: String,
        /// Its description.
        description: String,
    },
    /// The provider could not be reached or answered something unreadable.
    #[error("cannot reach the provider: {0}")]
    Transport(String),
}

impl MailAuthError {
    /// Whether a retry later may succeed.
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transport(_))
    }
}

/// The OAuth clients of the mail providers, with their client credentials.
pub trait MailAuth: Send + Sync + 'static {
    /// Whether `provider` is configured (has a client id).
    fn supports(&self, provider: MailProvider) -> bool;

    /// The scopes to ask `provider` for, given what is enabled (writing back read state,
    /// sending).
    fn scopes(&self, provider: MailProvider, write: bool, send: bool) -> Vec<String>;

    /// The provider's authorization URL for `request`.
    ///
    /// # Errors
    /// [`MailAuthError::Unsupported`] when the provider is not configured.
    fn authorization_url(
        &self,
        provider: MailProvider,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, MailAuthError>;

    /// Exchanges an authorization code (with its PKCE verifier) for tokens.
    fn exchange_code(
        &self,
        provider: MailProvider,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> impl Future<Output = Result<ProviderTokens, MailAuthError>> + Send;

    /// Gets a new access token with a refresh token. The answer's refresh token, when present,
    /// replaces the old one (rotation); when absent, the old one stays valid.
    fn refresh(
        &self,
        provider: MailProvider,
        refresh_token: &str,
    ) -> impl Future<Output = Result<ProviderTokens, MailAuthError>> + Send;

    /// Verifies a token the provider issued to a client for this API's app.
    fn verify_assertion(
        &self,
        provider: MailProvider,
        assertion: &str,
    ) -> impl Future<Output = Result<VerifiedAssertion, MailAuthError>> + Send;

    /// Exchanges a verified assertion for the provider API's tokens (On-Behalf-Of).
    fn on_behalf_of(
        &self,
        provider: MailProvider,
        assertion: &str,
        scopes: &[String],
    ) -> impl Future<Output = Result<ProviderTokens, MailAuthError>> + Send;

    /// Revokes what the provider lets a client revoke (Google's refresh tokens). Providers
    /// without a revocation endpoint for delegated tokens (Microsoft) answer `Ok(false)`.
    fn revoke(
        &self,
        provider: MailProvider,
        tokens: &ProviderTokens,
    ) -> impl Future<Output = Result<bool, MailAuthError>> + Send;
}

/// Builds a mailbox's provider client from an access token.
pub trait MailSourceFactory: Send + Sync + 'static {
    /// The source this factory builds.
    type Source: crate::mail::MailSource;

    /// A source reading `provider`'s mailbox `mailbox` (our account id, which keys the
    /// per-mailbox limit of requests in flight shared by every source of that mailbox) with
    /// `access_token`.
    ///
    /// # Errors
    /// [`crate::mail::MailError`] when the provider is not configured.
    fn source(
        &self,
        provider: MailProvider,
        mailbox: &str,
        access_token: &str,
    ) -> Result<Self::Source, crate::mail::MailError>;
}

/// Everything mail needs from the outside, as one value: the providers' OAuth clients, their
/// API clients and the MX lookup that tells a domain's provider.
pub trait MailAdapters: Send + Sync + 'static {
    /// The OAuth clients.
    type Auth: MailAuth;
    /// The API clients.
    type Sources: MailSourceFactory;
    /// The MX lookup.
    type Mx: crate::mail::MxResolver;

    /// The OAuth clients.
    fn auth(&self) -> &Self::Auth;
    /// The API clients.
    fn sources(&self) -> &Self::Sources;
    /// The MX lookup.
    fn mx(&self) -> &Self::Mx;
}
