//! The signing keys of the identity platform, found through OpenID discovery
//! (`/{tenant}/v2.0/.well-known/openid-configuration` → `jwks_uri`) and kept in memory.
//!
//! Microsoft rolls its keys over without notice, and in an emergency withdraws one at once
//! ("Signing key rollover in the Microsoft identity platform"). So the set is fetched again:
//! - when it is older than `key_max_age` (Microsoft recommends refreshing every hour), before
//!   it is used: a withdrawn key is refused from then on, not trusted until some token happens
//!   to name an unknown `kid`;
//! - when a token names a `kid` not in the set, to pick up a new key.
//!
//! Either way at most once per `key_refetch` (successful or not), so a stream of forged `kid`s
//! or an outage of the platform cannot make this server hammer it. When fetching a stale set
//! fails, verification goes on with it — Microsoft's "last known good" — until it is
//! `key_stale_limit` old (Microsoft's libraries keep keys 24 hours). One fetch at a time:
//! concurrent verifications wait for it.

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

/// How long the cached keys are trusted and how often they may be fetched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyTimes {
    /// The shortest time between two fetches, whatever their reason or outcome.
    pub(crate) refetch: Duration,
    /// The age past which the set is fetched again before use.
    pub(crate) max_age: Duration,
    /// The age past which a set that cannot be fetched again is no longer used.
    pub(crate) stale_limit: Duration,
}

/// What the cache holds: the last set fetched, and when a fetch was last tried.
#[derive(Debug, Default)]
struct Cached {
    keys: Option<Arc<Keys>>,
    tried: Option<Instant>,
}

impl Cached {
    fn may_fetch(&self, times: KeyTimes) -> bool {
        self.tried.is_none_or(|tried| tried.elapsed() >= times.refetch)
    }
}

/// The cached keys of one authority and tenant.
#[derive(Debug)]
pub(crate) struct KeyCache {
    discovery: Url,
    http: reqwest_graph::Client,
    times: KeyTimes,
    cached: Mutex<Cached>,
}

impl KeyCache {
    pub(crate) fn new(discovery: Url, http: reqwest_graph::Client, times: KeyTimes) -> Self {
        Self { discovery, http, times, cached: Mutex::new(Cached::default()) }
    }

    /// The key `kid`, from a set no older than `max_age` when it can be fetched, fetching it
    /// when it is missing, stale or lacks `kid` and the last try is old enough.
    ///
    /// # Errors
    /// [`MailAuthError::InvalidAssertion`] for a `kid` the platform does not publish;
    /// [`MailAuthError::Transport`] when discovery or the key set cannot be read and no set
    /// younger than `stale_limit` is at hand.
    pub(crate) async fn key(&self, kid: &str) -> Result<SigningKey, MailAuthError> {
        let mut cached = self.cached.lock().await;
        let keys = match cached.keys.clone() {
            None => self.refresh(&mut cached).await?,
            Some(keys) if keys.fetched.elapsed() >= self.times.max_age => {
                self.refresh_stale(&mut cached, keys).await?
            }
            Some(keys) => match find(&keys, kid) {
                Some(key) => return key,
                None if cached.may_fetch(self.times) => self.refresh(&mut cached).await?,
                None => return Err(unknown_key()),
            },
        };
        find(&keys, kid).unwrap_or_else(|| Err(unknown_key()))
    }

    /// A fresh set in place of the stale `keys`, or `keys` itself while it is younger than
    /// `stale_limit` and fetching fails or was tried too recently.
    async fn refresh_stale(
        &self,
        cached: &mut Cached,
        keys: Arc<Keys>,
    ) -> Result<Arc<Keys>, MailAuthError> {
        let usable = keys.fetched.elapsed() < self.times.stale_limit;
        if cached.may_fetch(self.times) {
            match self.refresh(cached).await {
                Ok(fresh) => return Ok(fresh),
                // Logged once per try, not once per verification.
                Err(e) if usable => {
                    tracing::warn!(error = %e, "identity platform keys: using the last set fetched");
                }
                Err(e) => return Err(e),
            }
        } else if !usable {
            return Err(MailAuthError::Transport(
                "the identity platform's keys are out of date and could not be fetched again"
                    .into(),
            ));
        }
        Ok(keys)
    }

    /// Fetches the set and keeps it; the try counts towards `refetch` whatever its outcome.
    async fn refresh(&self, cached: &mut Cached) -> Result<Arc<Keys>, MailAuthError> {
        cached.tried = Some(Instant::now());
        let keys = Arc::new(self.fetch().await?);
        cached.keys = Some(Arc::clone(&keys));
        Ok(keys)
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
