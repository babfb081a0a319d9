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

/// The one-time pad that masks `previous`'s successor: SHA-256 of `previous` under its own
/// domain label, so it is unrelated to the stored hash of `previous` (plain SHA-256).
fn successor_pad(previous: &str) -> [u8; 32] {
    let mut pad = Sha256::new();
    pad.update(b"switchboard refresh-token successor pad v1\0");
    pad.update(previous.as_bytes());
    pad.finalize().into()
}

/// `successor` (a token from [`refresh_token`]) masked so that only a holder of `previous` can
/// recover it, with [`unmask_successor`].
///
/// Why a mask and not a derivation or the secret box: a successor derived from the previous
/// token alone would let whoever stole an old token compute every later one without
/// presenting it (no reuse detection); one derived with a server key, or sealed with the
/// secret box, would be readable by anyone holding the database and that key. XOR with a pad
/// derived from the previous token (256 random bits, each pad used once) keeps the successor
/// out of reach of a database reader, with or without the server's keys, and needs no key of
/// its own. Integrity comes from the successor's stored hash, checked after unmasking.
/// `None` for a successor that is not 32 base64url bytes.
pub fn mask_successor(previous: &str, successor: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(successor).ok()?;
    let pad = successor_pad(previous);
    (bytes.len() == pad.len()).then(|| bytes.iter().zip(pad).map(|(b, p)| b ^ p).collect())
}

/// The successor [`mask_successor`] masked, if `masked` unmasks with `previous` to a token
/// whose hash is `successor_hash`.
pub fn unmask_successor(previous: &str, masked: &[u8], successor_hash: &[u8]) -> Option<String> {
    let pad = successor_pad(previous);
    if masked.len() != pad.len() {
        return None;
    }
    let bytes: Vec<u8> = masked.iter().zip(pad).map(|(b, p)| b ^ p).collect();
    let successor = URL_SAFE_NO_PAD.encode(bytes);
    secret_matches(&successor, successor_hash).then_some(successor)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_previous_token_unmasks_its_successor() {
        let (previous, _) = refresh_token().unwrap_or_default();
        let (successor, successor_hash) = refresh_token().unwrap_or_default();
        let masked = mask_successor(&previous, &successor).unwrap_or_default();
        assert_eq!(masked.len(), 32);
        assert_ne!(URL_SAFE_NO_PAD.encode(&masked), successor);
        assert_eq!(unmask_successor(&previous, &masked, &successor_hash), Some(successor));
        let (other, _) = refresh_token().unwrap_or_default();
        assert_eq!(unmask_successor(&other, &masked, &successor_hash), None);
        let mut tampered = masked.clone();
        tampered[0] ^= 1;
        assert_eq!(unmask_successor(&previous, &tampered, &successor_hash), None);
        assert_eq!(mask_successor(&previous, "not base64!"), None);
    }
}
