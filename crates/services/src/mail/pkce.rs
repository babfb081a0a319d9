//! PKCE (RFC 7636) with the S256 method: a verifier of 256 random bits, base64url (43
//! characters, within the RFC's 43 to 128), and its challenge.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A fresh verifier and its S256 challenge (`base64url(SHA-256(verifier))`).
///
/// # Errors
/// The random source failed.
pub(super) fn pair() -> Result<(String, String), String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = challenge(&verifier);
    Ok((verifier, challenge))
}

/// The S256 challenge of `verifier`.
pub(super) fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verifier_is_43_url_safe_characters_and_the_challenge_is_rfc_7636s() {
        let (verifier, challenge) = pair().unwrap_or_default();
        assert_eq!(verifier.len(), 43);
        assert!(verifier.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(pair().unwrap_or_default().0, verifier);
        assert_eq!(challenge, super::challenge(&verifier));
        // RFC 7636, appendix B.
        assert_eq!(
            super::challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
