//! XChaCha20-Poly1305 secret box with key ids in the ciphertext.
//!
//! Layout: `0x01 | kid length (1 byte) | kid | 24-byte nonce | ciphertext and tag`. The
//! additional data binds the version, the key id and the caller's context.

use std::collections::HashMap;
use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};
use switchboard_ports::{CryptoError, SecretBox};

use crate::keys::{KeyError, random, raw_32};

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;

/// One configured key.
#[derive(Debug, Clone)]
pub struct SecretBoxKey {
    /// Its id, written in each ciphertext.
    pub kid: String,
    /// 32 random bytes in base64.
    pub key: SecretString,
}

/// Seals with the first key; opens with any. Clones share the keys.
#[derive(Clone)]
pub struct AeadSecretBox {
    inner: Arc<Inner>,
}

struct Inner {
    current: String,
    ciphers: HashMap<String, XChaCha20Poly1305>,
}

impl std::fmt::Debug for AeadSecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AeadSecretBox")
            .field("current", &self.inner.current)
            .finish_non_exhaustive()
    }
}

impl AeadSecretBox {
    /// Loads the keys; the first is current.
    ///
    /// # Errors
    /// [`KeyError`] for no key, a bad key, a repeated id or an id longer than 255 bytes.
    pub fn new(keys: &[SecretBoxKey]) -> Result<Self, KeyError> {
        let current = keys.first().ok_or(KeyError::Missing("the secret box"))?.kid.clone();
        let mut ciphers = HashMap::new();
        for key in keys {
            let invalid = |reason: String| KeyError::Invalid { kid: key.kid.clone(), reason };
            if key.kid.is_empty() || key.kid.len() > 255 {
                return Err(invalid("key ids are 1 to 255 bytes".into()));
            }
            let raw = raw_32(key.key.expose_secret()).map_err(invalid)?;
            let cipher = XChaCha20Poly1305::new(&raw.into());
            if ciphers.insert(key.kid.clone(), cipher).is_some() {
                return Err(KeyError::DuplicateKid(key.kid.clone()));
            }
        }
        Ok(Self { inner: Arc::new(Inner { current, ciphers }) })
    }

    /// The key id a ciphertext was sealed with.
    ///
    /// # Errors
    /// [`CryptoError`] when it is not one of ours.
    pub fn key_id_of(sealed: &[u8]) -> Result<&str, CryptoError> {
        split(sealed).map(|(kid, _, _)| kid)
    }
}

fn split(sealed: &[u8]) -> Result<(&str, &[u8], &[u8]), CryptoError> {
    let bad = || CryptoError("not a sealed secret".into());
    let (&version, rest) = sealed.split_first().ok_or_else(bad)?;
    if version != VERSION {
        return Err(bad());
    }
    let (&len, rest) = rest.split_first().ok_or_else(bad)?;
    let (kid, rest) = rest.split_at_checked(usize::from(len)).ok_or_else(bad)?;
    let (nonce, body) = rest.split_at_checked(NONCE_LEN).ok_or_else(bad)?;
    Ok((std::str::from_utf8(kid).map_err(|_| bad())?, nonce, body))
}

fn aad(kid: &str, context: &[u8]) -> Vec<u8> {
    let mut aad = vec![VERSION];
    aad.extend_from_slice(&(kid.len() as u64).to_be_bytes());
    aad.extend_from_slice(kid.as_bytes());
    aad.extend_from_slice(context);
    aad
}

impl SecretBox for AeadSecretBox {
    fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let kid = self.inner.current.as_str();
        let cipher =
            self.inner.ciphers.get(kid).ok_or_else(|| CryptoError("no current key".into()))?;
        let nonce = random::<NONCE_LEN>().map_err(CryptoError)?;
        let body = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload { msg: plaintext, aad: &aad(kid, context) },
            )
            .map_err(|_| CryptoError("encryption failed".into()))?;
        let kid_len = u8::try_from(kid.len()).map_err(|_| CryptoError("key id too long".into()))?;
        let mut out = Vec::with_capacity(2 + kid.len() + NONCE_LEN + body.len());
        out.push(VERSION);
        out.push(kid_len);
        out.extend_from_slice(kid.as_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&body);
        Ok(out)
    }

    fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (kid, nonce, body) = split(sealed)?;
        let cipher = self
            .inner
            .ciphers
            .get(kid)
            .ok_or_else(|| CryptoError(format!("unknown secret-box key {kid:?}")))?;
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: &aad(kid, context) })
            .map_err(|_| {
                CryptoError("the secret does not open (tampered, or wrong context)".into())
            })
    }

    fn current_key_id(&self) -> &str {
        &self.inner.current
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    const K1: &str = "dev-insecure-secret-box-key-one-AAAAAAAAAAA";
    const K2: &str = "dev-insecure-secret-box-key-two-AAAAAAAAAAA";

    fn sbox(keys: &[(&str, &str)]) -> AeadSecretBox {
        let keys: Vec<SecretBoxKey> = keys
            .iter()
            .map(|(kid, key)| SecretBoxKey { kid: (*kid).into(), key: SecretString::from(*key) })
            .collect();
        AeadSecretBox::new(&keys).unwrap()
    }

    #[test]
    fn seals_opens_and_rotates() {
        let old = sbox(&[("k1", K1)]);
        let sealed = old.seal(b"token", b"row-1").unwrap();
        assert_eq!(AeadSecretBox::key_id_of(&sealed).unwrap(), "k1");
        assert_eq!(old.open(&sealed, b"row-1").unwrap(), b"token");
        assert!(old.open(&sealed, b"row-2").is_err(), "context is bound");

        let rotated = sbox(&[("k2", K2), ("k1", K1)]);
        assert_eq!(rotated.open(&sealed, b"row-1").unwrap(), b"token");
        let resealed = rotated.seal(b"token", b"row-1").unwrap();
        assert_eq!(AeadSecretBox::key_id_of(&resealed).unwrap(), "k2");
        assert!(old.open(&resealed, b"row-1").is_err(), "unknown key");
    }

    #[test]
    fn tampering_is_detected() {
        let b = sbox(&[("k1", K1)]);
        let mut sealed = b.seal(b"token", b"").unwrap();
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(b.open(&sealed, b"").is_err());
        assert!(b.open(b"", b"").is_err());
    }
}
