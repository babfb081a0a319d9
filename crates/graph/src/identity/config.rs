//! How to reach the Microsoft identity platform as this API's app: the authority and tenant,
//! the client's credentials, what an On-Behalf-Of assertion must carry, and the scopes asked.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Which directories (tenants) may sign users in, for assertions whose issuer names their
/// tenant (`https://login.microsoftonline.com/{tid}/v2.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantPolicy {
    /// Any tenant, as a multi-tenant app (`common`, `organizations`) allows: the issuer must
    /// still be the authority's issuer for the token's own `tid`.
    Any,
    /// Only these tenant ids.
    Only(Vec<String>),
}

/// The Microsoft identity platform client of this API's app registration.
///
/// `Debug` shows no secret (`client_secret` prints as redacted).
#[derive(Debug, Clone)]
pub struct MicrosoftAuthConfig {
    /// The authority host, without a tenant (`https://login.microsoftonline.com`). Plain http
    /// (a local fake) only in builds with the `sandbox` feature.
    pub authority: String,
    /// `common`, `organizations`, a tenant id or a tenant's domain.
    pub tenant: String,
    /// The app registration's application (client) id.
    pub client_id: String,
    /// The app registration's client secret.
    pub client_secret: SecretString,
    /// The audiences an On-Behalf-Of assertion may name: this API's app id URI
    /// (`api://{client_id}`) and its bare client id by default.
    pub audiences: Vec<String>,
    /// Which tenants' users are accepted.
    pub tenants: TenantPolicy,
    /// Whether marking messages read is written back to the mailbox (asks `Mail.ReadWrite`).
    pub write_back: bool,
    /// Whether sending is enabled (asks `Mail.Send`).
    pub send: bool,
    /// Whether the authorization URL asks the user to pick an account (`prompt=select_account`)
    /// even when signed in to one already.
    pub select_account: bool,
    /// Per-request timeout towards the identity platform.
    pub timeout: Duration,
    /// Clock skew allowed on an assertion's `exp` and `nbf`.
    pub leeway: Duration,
    /// The shortest time between two fetches of the signing keys, whether for a `kid` not yet
    /// known, for a set past `key_max_age`, or after a failed fetch.
    pub key_refetch: Duration,
    /// The age at which the cached signing keys are fetched again before they are used, so a
    /// key the platform withdraws is refused within this time.
    pub key_max_age: Duration,
    /// How old the cached signing keys may grow while fetching them again fails: verification
    /// goes on with them until then, and fails after.
    pub key_stale_limit: Duration,
}

impl MicrosoftAuthConfig {
    /// The public worldwide authority.
    pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";

    /// What a mailbox link always asks for: sign-in, a refresh token, and reading mail.
    pub const BASE_SCOPES: [&str; 5] =
        ["openid", "profile", "email", "offline_access", "https://graph.microsoft.com/Mail.Read"];
    /// Asked when read state is written back.
    pub const WRITE_SCOPE: &str = "https://graph.microsoft.com/Mail.ReadWrite";
    /// Asked when sending is enabled.
    pub const SEND_SCOPE: &str = "https://graph.microsoft.com/Mail.Send";

    /// Defaults for the app `client_id` at `authority` and `tenant`: audiences
    /// `api://{client_id}` and `{client_id}`, any tenant, reading only, no account picker, 30 s per request,
    /// 60 s of leeway, keys refetched at most once a minute, and every hour, or used for up to
    /// 24 hours while they cannot be (the refresh and the cache lifetime that Microsoft's
    /// "Signing key rollover" article recommends).
    pub fn new(
        authority: impl Into<String>,
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: SecretString,
    ) -> Self {
        let client_id = client_id.into();
        Self {
            authority: authority.into(),
            tenant: tenant.into(),
            audiences: vec![format!("api://{client_id}"), client_id.clone()],
            client_id,
            client_secret,
            tenants: TenantPolicy::Any,
            write_back: false,
            send: false,
            select_account: false,
            timeout: Duration::from_secs(30),
            leeway: Duration::from_secs(60),
            key_refetch: Duration::from_secs(60),
            key_max_age: Duration::from_secs(60 * 60),
            key_stale_limit: Duration::from_secs(24 * 60 * 60),
        }
    }

    /// The scopes to ask for, given what is enabled.
    pub fn scopes_for(write: bool, send: bool) -> Vec<String> {
        let mut scopes: Vec<String> = Self::BASE_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        if write {
            scopes.push(Self::WRITE_SCOPE.to_owned());
        }
        if send {
            scopes.push(Self::SEND_SCOPE.to_owned());
        }
        scopes
    }

    /// The scopes this configuration enables (asked again on every refresh).
    pub fn scopes(&self) -> Vec<String> {
        Self::scopes_for(self.write_back, self.send)
    }

    /// The checked endpoints.
    pub(crate) fn endpoints(&self) -> Result<Endpoints, AuthorityError> {
        let authority = checked_url(self.authority.trim_end_matches('/'))?;
        let tenant = self.tenant.as_str();
        let tenant_ok = !tenant.is_empty()
            && tenant.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !tenant_ok {
            return Err(AuthorityError::Tenant(tenant.to_owned()));
        }
        if self.client_id.is_empty() {
            return Err(AuthorityError::Invalid("the client id is empty".into()));
        }
        let at = |path: &str| {
            Url::parse(&format!("{}/{tenant}/{path}", authority.as_str().trim_end_matches('/')))
                .map_err(|e| AuthorityError::Invalid(e.to_string()))
        };
        Ok(Endpoints {
            authorize: at("oauth2/v2.0/authorize")?,
            token: at("oauth2/v2.0/token")?,
            discovery: at("v2.0/.well-known/openid-configuration")?,
            discovery_v1: at(".well-known/openid-configuration")?,
        })
    }
}

/// `url` if this build may send credentials there: https, or plain http with the `sandbox`
/// feature (a local fake), and no query or fragment.
pub(crate) fn checked_url(url: &str) -> Result<Url, AuthorityError> {
    let parsed = Url::parse(url).map_err(|e| AuthorityError::Invalid(e.to_string()))?;
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.cannot_be_a_base() {
        return Err(AuthorityError::Invalid(format!("{url} has a query or fragment")));
    }
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if cfg!(feature = "sandbox") => Ok(parsed),
        _ => Err(AuthorityError::NotHttps(url.to_owned())),
    }
}

/// The identity platform's endpoints for the configured tenant.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    pub(crate) authorize: Url,
    pub(crate) token: Url,
    pub(crate) discovery: Url,
    /// The v1.0 metadata: the issuer of v1.0 access tokens (`https://sts.windows.net/{tid}/`).
    pub(crate) discovery_v1: Url,
}

/// A configuration this build refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorityError {
    /// Not a URL, a URL with a query or fragment, or an empty client id.
    #[error("invalid identity platform configuration: {0}")]
    Invalid(String),
    /// Not https (local fakes need the `sandbox` feature).
    #[error("{0} is not https (plain http only in builds with the sandbox feature)")]
    NotHttps(String),
    /// Not a tenant name (`common`, `organizations`, an id or a domain).
    #[error("invalid tenant {0:?}")]
    Tenant(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(authority: &str, tenant: &str) -> MicrosoftAuthConfig {
        MicrosoftAuthConfig::new(authority, tenant, "app", SecretString::from("s3cret"))
    }

    #[test]
    fn endpoints_follow_the_tenant_and_http_needs_the_sandbox_feature() {
        let endpoints = config("https://login.microsoftonline.com/", "common").endpoints();
        let Ok(endpoints) = endpoints else { panic!("refused") };
        assert_eq!(
            endpoints.token.as_str(),
            "https://login.microsoftonline.com/common/oauth2/v2.0/token"
        );
        assert_eq!(
            endpoints.discovery.as_str(),
            "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
        );
        let local = config("http://127.0.0.1:1/microsoft/login", "common").endpoints();
        assert_eq!(local.is_ok(), cfg!(feature = "sandbox"));
        assert!(config("https://login.microsoftonline.com", "a/b").endpoints().is_err());
        assert!(config("https://login.microsoftonline.com?x=1", "common").endpoints().is_err());
        assert!(config("ftp://login.microsoftonline.com", "common").endpoints().is_err());
    }

    #[test]
    fn debug_hides_the_secret_and_scopes_grow_with_what_is_enabled() {
        let c = config("https://login.microsoftonline.com", "common");
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(c.audiences, ["api://app", "app"]);
        assert_eq!(c.scopes().len(), 5);
        let all = MicrosoftAuthConfig::scopes_for(true, true);
        assert!(all.iter().any(|s| s.ends_with("/Mail.ReadWrite")));
        assert!(all.iter().any(|s| s.ends_with("/Mail.Send")));
    }
}
