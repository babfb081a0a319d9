//! How to reach Google's OAuth 2.0 endpoints as this API's client, and the scopes asked.

use std::time::Duration;

use secrecy::SecretString;

use crate::config::{EndpointError, checked};

/// Google's OAuth 2.0 client of this API (a "Web application" client).
///
/// `Debug` shows no secret (`client_secret` prints as redacted).
#[derive(Debug, Clone)]
pub struct GoogleAuthConfig {
    /// The authorization endpoint (`https://accounts.google.com/o/oauth2/v2/auth`).
    pub auth_url: String,
    /// The token endpoint (`https://oauth2.googleapis.com/token`).
    pub token_url: String,
    /// The revocation endpoint (`https://oauth2.googleapis.com/revoke`).
    pub revoke_url: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: SecretString,
    /// Whether marking messages read is written back (asks `gmail.modify`).
    pub write_back: bool,
    /// Whether sending is enabled (asks `gmail.send`).
    pub send: bool,
    /// Per-request timeout towards Google.
    pub timeout: Duration,
}

impl GoogleAuthConfig {
    /// Google's authorization endpoint.
    pub const DEFAULT_AUTH_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
    /// Google's token endpoint.
    pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
    /// Google's revocation endpoint.
    pub const DEFAULT_REVOKE_URL: &str = "https://oauth2.googleapis.com/revoke";

    /// What a mailbox link always asks for: sign-in and reading mail.
    pub const BASE_SCOPES: [&str; 4] =
        ["openid", "email", "profile", "https://www.googleapis.com/auth/gmail.readonly"];
    /// Asked when read state is written back.
    pub const WRITE_SCOPE: &str = "https://www.googleapis.com/auth/gmail.modify";
    /// Asked when sending is enabled.
    pub const SEND_SCOPE: &str = "https://www.googleapis.com/auth/gmail.send";

    /// Google's endpoints for `client_id`: reading only, 30 s per request.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            auth_url: Self::DEFAULT_AUTH_URL.to_owned(),
            token_url: Self::DEFAULT_TOKEN_URL.to_owned(),
            revoke_url: Self::DEFAULT_REVOKE_URL.to_owned(),
            client_id: client_id.into(),
            client_secret,
            write_back: false,
            send: false,
            timeout: Duration::from_secs(30),
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

    /// The scopes this configuration enables.
    pub fn scopes(&self) -> Vec<String> {
        Self::scopes_for(self.write_back, self.send)
    }

    /// The three endpoints, checked (https, or http in sandbox builds).
    pub(crate) fn endpoints(&self) -> Result<[url::Url; 3], EndpointError> {
        if self.client_id.is_empty() {
            return Err(EndpointError::Invalid("the client id is empty".into()));
        }
        let url = |u: &str| {
            let text = checked(u)?;
            url::Url::parse(text.trim_end_matches('/'))
                .map_err(|e| EndpointError::Invalid(e.to_string()))
        };
        Ok([url(&self.auth_url)?, url(&self.token_url)?, url(&self.revoke_url)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_scopes_grow_with_what_is_enabled() {
        let c = GoogleAuthConfig::new("app", SecretString::from("s3cret"));
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(c.scopes().len(), 4);
        let all = GoogleAuthConfig::scopes_for(true, true);
        assert!(all.iter().any(|s| s.ends_with("/gmail.modify")));
        assert!(all.iter().any(|s| s.ends_with("/gmail.send")));
        assert!(c.endpoints().is_ok());
        let mut local = c.clone();
        local.token_url = "http://127.0.0.1:1/token".into();
        assert_eq!(local.endpoints().is_ok(), cfg!(feature = "sandbox"));
    }
}
