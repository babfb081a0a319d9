//! Reading keys from configuration text.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A configured key is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No key at all.
    #[error("no key configured for {0}")]
    Missing(&'static str),
    /// A key does not decode.
    #[error("key {kid:?}: {reason}")]
    Invalid {
        /// Its id.
        kid: String,
        /// What is wrong.
        reason: String,
    },
    /// Two keys share an id.
    #[error("key id {0:?} is used twice")]
    DuplicateKid(String),
}

/// Decodes 32 raw bytes given in any base64 alphabet, padded or not.
///
/// # Errors
/// A message when it is not base64 of 32 bytes.
pub fn raw_32(text: &str) -> Result<[u8; 32], String> {
    let normal: String = text
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let bytes = URL_SAFE_NO_PAD.decode(normal).map_err(|e| format!("not base64: {e}"))?;
    bytes.try_into().map_err(|b: Vec<u8>| format!("{} bytes, want 32", b.len()))
}

/// Fills a buffer from the operating system's random source.
///
/// # Errors
/// A message when the source fails.
pub fn random<const N: usize>() -> Result<[u8; N], String> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
