//! EdDSA (Ed25519) access tokens with `jsonwebtoken`, several keys, and the JWKS.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use switchboard_domain::UserId;
use switchboard_domain::identity::SessionId;
use switchboard_ports::{AccessClaims, IssuedToken, TokenError, TokenIssuer};

use crate::keys::{KeyError, raw_32};
use crate::token_cache::VerifiedTokens;

/// One configured signing key.
#[derive(Debug, Clone)]
pub struct SigningKeySetting {
    /// Its id, sent as the token's `kid`.
    pub kid: String,
    /// The Ed25519 private key: PKCS#8 PEM, or the 32-byte seed in base64.
    pub private_key: SecretString,
}

/// How tokens are issued.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// `iss`.
    pub issuer: String,
    /// `aud`.
    pub audience: String,
    /// Access tokens' lifetime in seconds.
    pub lifetime_secs: u64,
    /// The keys: the first signs, all verify.
    pub keys: Vec<SigningKeySetting>,
    /// How many verified tokens to remember, so that a token presented again skips the
    /// signature check (see `token_cache`); 0 turns the cache off.
    pub verified_cache: usize,
}

struct Key {
    encoding: EncodingKey,
    decoding: DecodingKey,
    public_x: String,
}

/// Issues and verifies access tokens. Clones share the keys.
#[derive(Clone)]
pub struct JwtTokens {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    lifetime_secs: u64,
    current: String,
    keys: HashMap<String, Key>,
    order: Vec<String>,
    verified: Option<VerifiedTokens>,
}

impl std::fmt::Debug for JwtTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtTokens").field("kids", &self.inner.order).finish_non_exhaustive()
    }
}

/// How far in the future a token's `iat` or `nbf` may lie: the clock skew tolerated between the
/// server that signed it and the one checking it. Beyond it, a token is refused: a signer with
/// a clock far ahead, or a token minted to become valid later, is not one we accept now.
pub const CLOCK_SKEW_LEEWAY_SECS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    jti: String,
    sid: String,
}

fn parse_key(setting: &SigningKeySetting) -> Result<Key, KeyError> {
    let invalid = |reason: String| KeyError::Invalid { kid: setting.kid.clone(), reason };
    let text = setting.private_key.expose_secret();
    let signing = match text.find("-----BEGIN") {
        Some(start) => SigningKey::from_pkcs8_pem(&text[start..])
            .map_err(|e| invalid(format!("not an Ed25519 PKCS#8 PEM key: {e}")))?,
        None => SigningKey::from_bytes(&raw_32(text).map_err(invalid)?),
    };
    let der = signing.to_pkcs8_der().map_err(|e| invalid(e.to_string()))?;
    let public_x = URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes());
    let decoding =
        DecodingKey::from_ed_components(&public_x).map_err(|e| invalid(e.to_string()))?;
    Ok(Key { encoding: EncodingKey::from_ed_der(der.as_bytes()), decoding, public_x })
}

impl JwtTokens {
    /// Loads the keys.
    ///
    /// # Errors
    /// [`KeyError`] for no key, a bad key or a repeated key id.
    pub fn new(settings: JwtSettings) -> Result<Self, KeyError> {
        let current = settings.keys.first().ok_or(KeyError::Missing("JWT signing"))?.kid.clone();
        let mut keys = HashMap::new();
        let mut order = Vec::new();
        for setting in &settings.keys {
            if keys.insert(setting.kid.clone(), parse_key(setting)?).is_some() {
                return Err(KeyError::DuplicateKid(setting.kid.clone()));
            }
            order.push(setting.kid.clone());
        }
        Ok(Self {
            inner: Arc::new(Inner {
                issuer: settings.issuer,
                audience: settings.audience,
                lifetime_secs: settings.lifetime_secs,
                current,
                keys,
                order,
                verified: VerifiedTokens::new(settings.verified_cache),
            }),
        })
    }

    /// The full check: header, key, signature, issuer, audience, claims, expiry.
    fn verify_signed(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError> {
        let inner = &self.inner;
        let (alg, kid) = header_fields(token)?;
        if alg != "EdDSA" {
            return Err(TokenError::Algorithm);
        }
        let key = kid.and_then(|k| inner.keys.get(&k)).ok_or(TokenError::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&inner.issuer]);
        validation.set_audience(&[&inner.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Expiry, `nbf` and `iat` are checked below against the clock port, so tests control
        // time (jsonwebtoken would read the system clock, and never looks at `iat`).
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation).map_err(
            |e| match e.kind() {
                ErrorKind::InvalidSignature => TokenError::Signature,
                ErrorKind::InvalidIssuer => TokenError::Issuer,
                ErrorKind::InvalidAudience => TokenError::Audience,
                ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Malformed,
            },
        )?;
        let claims = data.claims;
        if now.timestamp() >= claims.exp {
            return Err(TokenError::Expired);
        }
        let latest = now.timestamp().saturating_add(CLOCK_SKEW_LEEWAY_SECS);
        if claims.iat > latest || claims.nbf.is_some_and(|nbf| nbf > latest) {
            return Err(TokenError::NotYetValid);
        }
        let user_id = claims.sub.parse().map_err(|_| TokenError::Malformed)?;
        let session_id = claims.sid.parse().map_err(|_| TokenError::Malformed)?;
        let at = |t: i64| DateTime::from_timestamp(t, 0).ok_or(TokenError::Malformed);
        Ok(AccessClaims {
            user_id,
            session_id,
            issued_at: at(claims.iat)?,
            expires_at: at(claims.exp)?,
            token_id: claims.jti,
        })
    }
}

/// The header's `alg` and `kid`, read by hand so that `alg: none` (which `jsonwebtoken`
/// cannot even represent) is reported as an algorithm problem.
fn header_fields(token: &str) -> Result<(String, Option<String>), TokenError> {
    let head = token.split('.').next().ok_or(TokenError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD.decode(head).map_err(|_| TokenError::Malformed)?;
    let header: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
    let alg = header.get("alg").and_then(|a| a.as_str()).ok_or(TokenError::Malformed)?;
    let kid = header.get("kid").and_then(|k| k.as_str()).map(str::to_owned);
    Ok((alg.to_owned(), kid))
}

impl TokenIssuer for JwtTokens {
    fn issue(
        &self,
        user: UserId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, TokenError> {
        let inner = &self.inner;
        let key = inner.keys.get(&inner.current).ok_or(TokenError::UnknownKey)?;
        let lifetime = i64::try_from(inner.lifetime_secs).unwrap_or(i64::MAX);
        let exp = now.timestamp().saturating_add(lifetime);
        let claims = Claims {
            iss: inner.issuer.clone(),
            aud: inner.audience.clone(),
            sub: user.to_string(),
            exp,
            iat: now.timestamp(),
            nbf: None,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session.to_string(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(inner.current.clone());
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
        Ok(IssuedToken { token, expires_at })
    }

    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError> {
        let verified = &self.inner.verified;
        if let Some(hit) = verified.as_ref().and_then(|cache| cache.get(token, now)) {
            return hit;
        }
        let claims = self.verify_signed(token, now)?;
        if let Some(cache) = verified {
            cache.insert(token, &claims);
        }
        Ok(claims)
    }

    fn jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .inner
            .order
            .iter()
            .filter_map(|kid| self.inner.keys.get(kid).map(|k| (kid, k)))
            .map(|(kid, key)| {
                serde_json::json!({
                    "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                    "kid": kid, "x": key.public_x,
                })
            })
            .collect();
        serde_json::json!({ "keys": keys })
    }

    fn lifetime_secs(&self) -> u64 {
        self.inner.lifetime_secs
    }
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
