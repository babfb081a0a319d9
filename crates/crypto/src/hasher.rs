//! argon2id password hashing on the blocking pool, with bounded concurrency.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use switchboard_domain::identity::Password;
use switchboard_ports::{CryptoError, PasswordHasher, Verification};
use tokio::sync::Semaphore;

/// The hashing parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    /// Memory in KiB (OWASP: 19456).
    pub memory_kib: u32,
    /// Passes (OWASP: 2).
    pub iterations: u32,
    /// Lanes (OWASP: 1).
    pub parallelism: u32,
    /// Hashes running at once; more wait their turn.
    pub max_concurrent: usize,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Self { memory_kib: 19_456, iterations: 2, parallelism: 1, max_concurrent: 2 }
    }
}

/// Hashes with argon2id. Clones share the semaphore.
#[derive(Clone)]
pub struct Argon2Hasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    permits: Arc<Semaphore>,
    dummy: String,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher").field("params", &self.inner.params).finish_non_exhaustive()
    }
}

fn argon2(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Argon2Hasher {
    /// A hasher with `settings`; computes the dummy hash for unknown accounts once.
    ///
    /// # Errors
    /// [`CryptoError`] when the parameters are out of argon2's range.
    pub fn new(settings: Argon2Settings) -> Result<Self, CryptoError> {
        let params =
            Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None)
                .map_err(|e| CryptoError(format!("argon2 parameters: {e}")))?;
        let dummy_password = crate::keys::random::<16>().map_err(CryptoError)?;
        let dummy = argon2(params.clone())
            .hash_password(&dummy_password)
            .map_err(|e| CryptoError(e.to_string()))?
            .to_string();
        Ok(Self {
            inner: Arc::new(Inner {
                params,
                permits: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
                dummy,
            }),
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> T + Send + 'static,
    ) -> Result<T, CryptoError> {
        let _permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| CryptoError(e.to_string()))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || work(&inner))
            .await
            .map_err(|e| CryptoError(format!("hashing task: {e}")))
    }
}

fn needs_rehash(hash: &PasswordHash, params: &Params) -> bool {
    let Ok(stored) = Params::try_from(hash) else { return true };
    hash.algorithm.as_str() != "argon2id"
        || hash.version != Some(Version::V0x13.into())
        || stored.m_cost() != params.m_cost()
        || stored.t_cost() != params.t_cost()
        || stored.p_cost() != params.p_cost()
}

impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<String, CryptoError> {
        let password = password.expose().to_owned();
        self.blocking(move |inner| {
            argon2(inner.params.clone())
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| CryptoError(e.to_string()))
        })
        .await?
    }

    async fn verify(
        &self,
        password: &str,
        hash: Option<&str>,
    ) -> Result<Verification, CryptoError> {
        let password = password.to_owned();
        let stored = hash.map(str::to_owned);
        self.blocking(move |inner| {
            let known = stored.is_some();
            let text = stored.as_deref().unwrap_or(&inner.dummy);
            let Ok(parsed) = PasswordHash::new(text) else { return Verification::Mismatch };
            let ok =
                argon2(inner.params.clone()).verify_password(password.as_bytes(), &parsed).is_ok();
            if ok && known {
                Verification::Match { needs_rehash: needs_rehash(&parsed, &inner.params) }
            } else {
                Verification::Mismatch
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn cheap(memory_kib: u32) -> Argon2Hasher {
        Argon2Hasher::new(Argon2Settings {
            memory_kib,
            iterations: 1,
            parallelism: 1,
            max_concurrent: 2,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_verify_and_detect_old_parameters() {
        let hasher = cheap(1024);
        let password = Password::new("correct horse battery".into()).unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{hash}");
        assert_eq!(
            hasher.verify("correct horse battery", Some(&hash)).await.unwrap(),
            Verification::Match { needs_rehash: false }
        );
        assert_eq!(hasher.verify("wrong", Some(&hash)).await.unwrap(), Verification::Mismatch);
        assert_eq!(
            cheap(2048).verify("correct horse battery", Some(&hash)).await.unwrap(),
            Verification::Match { needs_rehash: true }
        );
    }

    #[tokio::test]
    async fn unknown_accounts_and_garbage_hashes_mismatch() {
        let hasher = cheap(1024);
        assert_eq!(hasher.verify("anything", None).await.unwrap(), Verification::Mismatch);
        assert_eq!(
            hasher.verify("anything", Some("$bogus")).await.unwrap(),
            Verification::Mismatch
        );
    }

    #[test]
    fn defaults_are_owasp() {
        let s = Argon2Settings::default();
        assert_eq!((s.memory_kib, s.iterations, s.parallelism), (19_456, 2, 1));
    }
}
