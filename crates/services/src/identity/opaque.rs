//! Opaque credentials: refresh tokens and API keys. 256 bits from the OS; stored as SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// API keys start with this, so they are recognisable (and secret scanners can find them).
pub const API_KEY_PREFIX: &str = "sbk_";

fn random_32() -> Result<[u8; 32], String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// SHA-256 of a token.
pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new refresh token and its hash.
pub fn refresh_token() -> Result<(String, Vec<u8>), String> {
    let token = URL_SAFE_NO_PAD.encode(random_32()?);
    let hashed = hash(&token);
    Ok((token, hashed))
}

/// A new API key: `sbk_<prefix>_<secret>`, its prefix part, and the secret's hash.
pub fn api_key() -> Result<(String, String, Vec<u8>), String> {
    let id = random_32()?;
    let prefix: String = id.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let secret = URL_SAFE_NO_PAD.encode(random_32()?);
    let hashed = hash(&secret);
    Ok((format!("{API_KEY_PREFIX}{prefix}_{secret}"), prefix, hashed))
}

/// Splits a presented API key into prefix and secret.
pub fn split_api_key(key: &str) -> Option<(&str, &str)> {
    key.strip_prefix(API_KEY_PREFIX)?.split_once('_')
}

/// Whether `secret` hashes to `expected`, in constant time.
pub fn secret_matches(secret: &str, expected: &[u8]) -> bool {
    hash(secret).ct_eq(expected).into()
}
