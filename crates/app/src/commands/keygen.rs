//! `switchboard keygen`: fresh keys for `auth.signing_keys` and `auth.secret_keys`, printed as
//! environment variables ready for a deployment's secrets (it reads no configuration, so it
//! works before there is one).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use switchboard_crypto::keys::random;

use crate::error::AppError;

/// A new Ed25519 signing key and a new secret-box key, each with its key id.
pub struct NewKeys {
    /// The signing key's id (`kid` in tokens and in the JWKS).
    pub signing_kid: String,
    /// The Ed25519 seed, 32 bytes in base64 (what `auth.signing_keys[].private_key` accepts).
    pub signing_key: SecretString,
    /// The secret-box key's id, written in each ciphertext.
    pub secret_kid: String,
    /// The XChaCha20-Poly1305 key, 32 bytes in base64 (`auth.secret_keys[].key`).
    pub secret_key: SecretString,
}

impl std::fmt::Debug for NewKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKeys")
            .field("signing_kid", &self.signing_kid)
            .field("secret_kid", &self.secret_kid)
            .finish_non_exhaustive()
    }
}

/// 32 random bytes in base64.
fn key_32() -> Result<SecretString, AppError> {
    let bytes = random::<32>().map_err(|e| AppError::Keys(format!("random source: {e}")))?;
    Ok(STANDARD.encode(bytes).into())
}

/// A key id naming its use and day, with a random suffix so two keys of a day differ.
fn kid(prefix: &str) -> Result<String, AppError> {
    let suffix = random::<3>().map_err(|e| AppError::Keys(format!("random source: {e}")))?;
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{prefix}-{}-{hex}", chrono::Utc::now().format("%Y%m%d")))
}

impl NewKeys {
    /// Keys from the operating system's random source.
    ///
    /// # Errors
    /// [`AppError::Keys`] when the random source fails.
    pub fn generate() -> Result<Self, AppError> {
        Ok(Self {
            signing_kid: kid("sign")?,
            signing_key: key_32()?,
            secret_kid: kid("box")?,
            secret_key: key_32()?,
        })
    }

    /// The two `SWITCHBOARD__AUTH__…` variables, one per line (`NAME='value'`, the quotes
    /// keeping a shell or an env file from touching the value). Each holds one key: to rotate,
    /// put the new key first in the existing list, so older tokens and ciphertexts still open.
    pub fn env_lines(&self) -> String {
        format!(
            "SWITCHBOARD__AUTH__SIGNING_KEYS='[{{kid=\"{}\",private_key=\"{}\"}}]'\n\
             SWITCHBOARD__AUTH__SECRET_KEYS='[{{kid=\"{}\",key=\"{}\"}}]'\n",
            self.signing_kid,
            self.signing_key.expose_secret(),
            self.secret_kid,
            self.secret_key.expose_secret(),
        )
    }
}

/// Prints new keys on standard output (and a reminder on standard error, so that redirecting
/// the output to a file keeps the file clean).
///
/// # Errors
/// [`AppError::Keys`] when the random source fails.
pub fn run() -> Result<(), AppError> {
    let keys = NewKeys::generate()?;
    eprintln!(
        "# New keys: keep them secret (for example in your deployment's secret store). To rotate, \
         put each new key first in the existing list and keep the old ones until they are unused."
    );
    print!("{}", keys.env_lines());
    Ok(())
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::result_large_err, reason = "tests")]

    use chrono::Utc;
    use figment::Jail;
    use switchboard_crypto::AeadSecretBox;
    use switchboard_domain::UserId;
    use switchboard_domain::identity::SessionId;
    use switchboard_ports::{SecretBox, TokenIssuer};

    use super::*;
    use crate::config::{Config, Profile};

    /// Sets each `NAME='value'` line as a shell would.
    fn export(jail: &mut Jail, lines: &str) {
        for line in lines.lines() {
            let (name, quoted) = line.split_once('=').unwrap();
            let value = quoted.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).unwrap();
            jail.set_env(name, value);
        }
    }

    #[test]
    fn printed_keys_load_in_production_then_sign_and_seal() {
        let keys = NewKeys::generate().unwrap();
        let lines = keys.env_lines();
        assert_eq!(lines.lines().count(), 2);
        Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://app:s3cret@db.internal/switchboard");
            export(jail, &lines);
            let config = Config::load(Profile::Production, None).unwrap();
            assert_eq!(config.auth.signing_keys.len(), 1);
            assert_eq!(config.auth.signing_keys[0].kid, keys.signing_kid);
            assert_eq!(config.auth.secret_keys[0].kid, keys.secret_kid);

            let tokens = crate::ports::tokens(&config.auth).unwrap();
            let (user, session, now) = (UserId::new(), SessionId::new(), Utc::now());
            let issued = tokens.issue(user, session, now).unwrap();
            assert_eq!(tokens.verify(&issued.token, now).unwrap().user_id, user);
            assert_eq!(tokens.jwks()["keys"][0]["kid"], keys.signing_kid.as_str());

            let sealed = crate::ports::secret_box(&config.auth).unwrap();
            let ciphertext = sealed.seal(b"xoxp-token", b"row-1").unwrap();
            assert_eq!(AeadSecretBox::key_id_of(&ciphertext).unwrap(), keys.secret_kid);
            assert_eq!(sealed.open(&ciphertext, b"row-1").unwrap(), b"xoxp-token");
            Ok(())
        });
    }

    #[test]
    fn every_run_makes_different_keys() {
        let (a, b) = (NewKeys::generate().unwrap(), NewKeys::generate().unwrap());
        assert_ne!(a.signing_key.expose_secret(), b.signing_key.expose_secret());
        assert_ne!(a.secret_key.expose_secret(), b.secret_key.expose_secret());
        assert_ne!(a.signing_kid, b.signing_kid);
        assert!(!format!("{a:?}").contains(a.secret_key.expose_secret()));
    }
}
