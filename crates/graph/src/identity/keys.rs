//! The signing keys of the identity platform, found through OpenID discovery
//! (`/{tenant}/v2.0/.well-known/openid-configuration` → `jwks_uri`) and kept in memory.
//! Microsoft rolls its keys over without notice, so a `kid` not in the cached set makes the
//! cache fetch again — at most once per `key_refetch`, so a stream of forged `kid`s cannot make
//! this server hammer the platform. One fetch at a time: concurrent verifications wait for it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use switchboard_ports::MailAuthError;
use tokio::sync::Mutex;
use url::Url;

use super::config::checked_url;
use super::errors::from_reqwest;

/// What OpenID discovery says about the keys and the issuer.
#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// The keys fetched at one time, with the issuer they sign for (`{tenantid}` in it for the
/// multi-tenant aliases).
#[derive(Debug)]
struct Keys {
    issuer: String,
    jwks: JwkSet,
    fetched: Instant,
}

/// The key a token names, with the issuer (template) it signs for.
pub(crate) struct SigningKey {
    pub(crate) key: DecodingKey,
    pub(crate) issuer: String,
}

/// The cached keys of one authority and tenant.
#[derive(Debug)]
pub(crate) struct KeyCache {
    discovery: Url,
    http: reqwest_graph::Client,
    refetch: Duration,
    keys: Mutex<Option<Arc<Keys>>>,
}

impl KeyCache {
    pub(crate) fn new(discovery: Url, http: reqwest_graph::Client, refetch: Duration) -> Self {
        Self { discovery, http, refetch, keys: Mutex::new(None) }
    }

    /// The key `kid`, fetching the key set when it is not cached and the last fetch is old
    /// enough.
    ///
    /// # Errors
    /// [`MailAuthError::InvalidAssertion`] for a `kid` the platform does not publish;
    /// [`MailAuthError::Transport`] when discovery or the key set cannot be read.
    pub(crate) async fn key(&self, kid: &str) -> Result<SigningKey, MailAuthError> {
        let mut cached = self.keys.lock().await;
        if let Some(keys) = cached.as_ref() {
            if let Some(key) = find(keys, kid) {
                return key;
            }
            if keys.fetched.elapsed() < self.refetch {
                return Err(unknown_key());
            }
        }
        let keys = Arc::new(self.fetch().await?);
        *cached = Some(Arc::clone(&keys));
        find(&keys, kid).unwrap_or_else(|| Err(unknown_key()))
    }

    async fn fetch(&self) -> Result<Keys, MailAuthError> {
        let discovery: Discovery = self.json(self.discovery.clone()).await?;
        let jwks_uri = checked_url(&discovery.jwks_uri)
            .map_err(|e| MailAuthError::Transport(format!("discovery's jwks_uri: {e}")))?;
        let jwks: JwkSet = self.json(jwks_uri).await?;
        Ok(Keys { issuer: discovery.issuer, jwks, fetched: Instant::now() })
    }

    async fn json<T: serde::de::DeserializeOwned>(&self, url: Url) -> Result<T, MailAuthError> {
        let response = self.http.get(url).send().await.map_err(from_reqwest)?;
        let status = response.status();
        if !status.is_success() {
            return Err(MailAuthError::Transport(format!(
                "the identity platform's key discovery answered HTTP {status}"
            )));
        }
        let body = response.bytes().await.map_err(from_reqwest)?;
        serde_json::from_slice(&body)
            .map_err(|e| MailAuthError::Transport(format!("unreadable key discovery answer: {e}")))
    }
}

fn find(keys: &Keys, kid: &str) -> Option<Result<SigningKey, MailAuthError>> {
    let jwk = keys.jwks.find(kid)?;
    Some(
        DecodingKey::from_jwk(jwk)
            .map(|key| SigningKey { key, issuer: keys.issuer.clone() })
            .map_err(|e| MailAuthError::InvalidAssertion(format!("unusable signing key: {e}"))),
    )
}

fn unknown_key() -> MailAuthError {
    MailAuthError::InvalidAssertion(
        "signed with a key the identity platform does not publish".into(),
    )
}
