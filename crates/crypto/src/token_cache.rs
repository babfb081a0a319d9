//! A bounded cache of access tokens that verified, so that a token presented again (a client
//! calls the API many times with one token) costs a hash lookup instead of an Ed25519
//! signature check (about 40 µs, most of a small request's CPU). Envoy's `jwt_authn` filter
//! does the same (`jwt_cache_config`).
//!
//! Why it is safe:
//! - Only tokens that fully verified (signature, algorithm, key id, issuer, audience, claims)
//!   are inserted, keyed by their exact bytes; lookups compare the whole token, so a forged or
//!   altered token never matches an entry and goes through the full check (and fails it).
//! - The only check that time can make fail once passed is `exp`; it is made again on every
//!   hit against the caller's clock, and an expired entry is dropped. (`iat` and `nbf` not in
//!   the future passed at insertion and stay passed as time moves on.)
//! - Keys are static configuration: a key removed from it leaves with the process, and with it
//!   the cache. Revocation is not the token's business: every request still reads the session
//!   and user (`AuthService::authenticate`).
//! - Only verified tokens are inserted, and those are issued by us at login (rate-limited), so
//!   an attacker can neither fill the cache nor aim hash collisions at it; the hasher is
//!   seeded at random anyway. The size is capped (entries), eviction is CLOCK-Pro.

use chrono::{DateTime, Utc};
use quick_cache::sync::Cache;
use switchboard_ports::{AccessClaims, TokenError};

/// Verified tokens → their claims, at most `capacity` of them.
pub(crate) struct VerifiedTokens {
    cache: Cache<String, AccessClaims>,
}

impl VerifiedTokens {
    /// A cache of at most `capacity` tokens; `None` for 0 (caching off).
    pub(crate) fn new(capacity: usize) -> Option<Self> {
        (capacity > 0).then(|| Self { cache: Cache::new(capacity) })
    }

    /// The claims of `token` if it verified before: `Some(Err(Expired))` once past `exp`.
    pub(crate) fn get(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Option<Result<AccessClaims, TokenError>> {
        let claims = self.cache.get(token)?;
        if now.timestamp() >= claims.expires_at.timestamp() {
            self.cache.remove(token);
            return Some(Err(TokenError::Expired));
        }
        Some(Ok(claims))
    }

    /// Tokens held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.cache.len()
    }

    /// Remembers a token that has just verified.
    pub(crate) fn insert(&self, token: &str, claims: &AccessClaims) {
        self.cache.insert(token.to_owned(), claims.clone());
    }
}
