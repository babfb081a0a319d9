//! The RS256 key the fake identity platform signs with, published as a JWKS.
//!
//! Generated from the sandbox seed, so tokens and the JWKS are reproducible. RSA key generation
//! is slow in a debug build (about a second), and every test builds its own sandbox from the
//! same few seeds: generated keys are kept per seed for the life of the process. That cache
//! holds only the result of a pure function of the seed, never per-sandbox state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A signing key and what verifiers need of it.
pub(crate) struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    pub decoding: DecodingKey,
    n: String,
    e: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// Why no key could be made (never expected: the inputs are fixed).
#[derive(Debug, thiserror::Error)]
pub(crate) enum KeyError {
    #[error("RSA key generation failed: {0}")]
    Rsa(#[from] rsa::Error),
    #[error("RSA key encoding failed: {0}")]
    Der(#[from] rsa::pkcs1::Error),
    #[error("JWT key rejected: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
}

impl SigningKey {
    /// The key for `seed`, generated once per process.
    pub(crate) fn for_seed(seed: u64) -> Result<Arc<Self>, KeyError> {
        static KEYS: OnceLock<Mutex<HashMap<u64, Arc<SigningKey>>>> = OnceLock::new();
        let keys = KEYS.get_or_init(Mutex::default);
        let mut keys = keys.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = keys.get(&seed) {
            return Ok(key.clone());
        }
        let key = Arc::new(Self::generate(seed)?);
        keys.insert(seed, key.clone());
        Ok(key)
    }

    fn generate(seed: u64) -> Result<Self, KeyError> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0x6d73_6b65_7973);
        let private = rsa::RsaPrivateKey::new(&mut rng, 2048)?;
        let der = private.to_pkcs1_der()?;
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        // Microsoft's kids are 27-character base64url thumbprints.
        let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(n.as_bytes())[..20]);
        Ok(Self {
            kid,
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            decoding: DecodingKey::from_rsa_components(&n, &e)?,
            n,
            e,
        })
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid`.
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> Result<String, KeyError> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }

    /// The JWKS document (`{"keys": [...]}`) with this key, as Microsoft publishes its keys.
    pub(crate) fn jwks(&self, issuer: &str) -> Value {
        json!({"keys": [{
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": self.n,
            "e": self.e,
            "alg": "RS256",
            "issuer": issuer,
        }]})
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_key_once() {
        let started = std::time::Instant::now();
        let a = SigningKey::for_seed(42).unwrap();
        println!("2048-bit key in {:?}", started.elapsed());
        let b = SigningKey::for_seed(42).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let c = SigningKey::generate(42).unwrap();
        assert_eq!(a.kid, c.kid);
        assert_ne!(a.kid, SigningKey::for_seed(43).unwrap().kid);
    }
}
