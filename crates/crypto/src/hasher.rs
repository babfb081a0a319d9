//! argon2id password hashing on dedicated low-priority threads (see `hash_pool`).

use std::sync::Arc;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use switchboard_domain::identity::Password;
use switchboard_ports::{CryptoError, HashError, PasswordHasher, Verification};

use crate::hash_pool::{HashPool, HashPriority};

/// The hashing parameters and threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    /// Memory in KiB (OWASP: 19456).
    pub memory_kib: u32,
    /// Passes (OWASP: 2).
    pub iterations: u32,
    /// Lanes (OWASP: 1).
    pub parallelism: u32,
    /// Hashing threads: hashes running at once.
    pub max_concurrent: usize,
    /// Hashes that may wait for a thread; more are refused with [`HashError::Busy`].
    pub max_queued: usize,
    /// The hashing threads' OS scheduling priority.
    pub priority: HashPriority,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
            max_concurrent: 2,
            max_queued: 64,
            priority: HashPriority::Idle,
        }
    }
}

/// Hashes with argon2id. Clones share the threads.
#[derive(Clone)]
pub struct Argon2Hasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    pool: HashPool,
    dummy: String,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher").field("params", &self.inner.params).finish_non_exhaustive()
    }
}

fn failed(e: impl std::fmt::Display) -> CryptoError {
    CryptoError(e.to_string())
}

/// `memory` grown to what `params` need, as a slice of exactly that many blocks.
fn blocks<'m>(memory: &'m mut Vec<Block>, params: &Params) -> &'m mut [Block] {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    &mut memory[..needed]
}

/// A PHC string for `password` with a fresh salt, computed in `memory` (what
/// `argon2::PasswordHasher::hash_password` does, without allocating the blocks).
fn hash_with(
    memory: &mut Vec<Block>,
    params: &Params,
    password: &[u8],
) -> Result<String, CryptoError> {
    let salt = crate::keys::random::<16>().map_err(CryptoError)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, blocks(memory, params))
        .map_err(failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(failed)?,
        salt: Some(Salt::new(&salt).map_err(failed)?),
        hash: Some(Output::new(&out).map_err(failed)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches `hash`, computed in `memory` with the hash's own algorithm,
/// version and parameters (what `argon2::PasswordVerifier::verify_password` does, without
/// allocating the blocks); outputs are compared in constant time.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], hash: &PasswordHash) -> bool {
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else { return false };
    let version = match hash.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(hash) else { return false };
    let mut out = vec![0u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
        password,
        salt,
        &mut out,
        blocks(memory, &params),
    );
    computed.is_ok() && Output::new(&out).is_ok_and(|out| &out == expected)
}

impl Argon2Hasher {
    /// A hasher with `settings`: starts its threads and computes the dummy hash for unknown
    /// accounts once.
    ///
    /// # Errors
    /// [`CryptoError`] when the parameters are out of argon2's range or a thread cannot start.
    pub fn new(settings: Argon2Settings) -> Result<Self, CryptoError> {
        let params =
            Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None)
                .map_err(|e| CryptoError(format!("argon2 parameters: {e}")))?;
        let dummy_password = crate::keys::random::<16>().map_err(CryptoError)?;
        let dummy = hash_with(&mut Vec::new(), &params, &dummy_password)?;
        let pool =
            HashPool::start(settings.max_concurrent, settings.max_queued, settings.priority)?;
        Ok(Self { inner: Arc::new(Inner { params, pool, dummy }) })
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
    async fn hash(&self, password: &Password) -> Result<String, HashError> {
        let password = password.expose().to_owned();
        let inner = self.inner.clone();
        let hashed = self
            .inner
            .pool
            .run(move |memory| hash_with(memory, &inner.params, password.as_bytes()))
            .await?;
        Ok(hashed?)
    }

    async fn verify(&self, password: &str, hash: Option<&str>) -> Result<Verification, HashError> {
        let password = password.to_owned();
        let stored = hash.map(str::to_owned);
        let inner = self.inner.clone();
        self.inner
            .pool
            .run(move |memory| {
                let known = stored.is_some();
                let text = stored.as_deref().unwrap_or(&inner.dummy);
                let Ok(parsed) = PasswordHash::new(text) else { return Verification::Mismatch };
                let ok = verify_with(memory, password.as_bytes(), &parsed);
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
            max_queued: 8,
            priority: HashPriority::Idle,
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

    #[tokio::test]
    async fn agrees_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let hasher = cheap(1024);
        let ours = hasher.hash(&Password::new("correct horse battery".into()).unwrap()).await;
        let ours = PasswordHash::new(&ours.unwrap()).unwrap();
        let params = Params::new(1024, 1, 1, None).unwrap();
        let crate_argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        assert!(crate_argon2.verify_password(b"correct horse battery", &ours).is_ok());
        assert!(crate_argon2.verify_password(b"correct horse batterx", &ours).is_err());
        // Hashes made by the crate (other parameters, argon2i, v=16) verify here.
        for (algorithm, version) in [
            (Algorithm::Argon2id, Version::V0x13),
            (Algorithm::Argon2i, Version::V0x13),
            (Algorithm::Argon2id, Version::V0x10),
        ] {
            let params = Params::new(2048, 2, 2, Some(24)).unwrap();
            let theirs = Argon2::new(algorithm, version, params)
                .hash_password(b"correct horse battery")
                .unwrap()
                .to_string();
            assert_eq!(
                hasher.verify("correct horse battery", Some(&theirs)).await.unwrap(),
                Verification::Match { needs_rehash: true },
                "{theirs}"
            );
            assert_eq!(
                hasher.verify("correct horse batterx", Some(&theirs)).await.unwrap(),
                Verification::Mismatch
            );
        }
    }

    #[test]
    fn defaults_are_owasp() {
        let s = Argon2Settings::default();
        assert_eq!((s.memory_kib, s.iterations, s.parallelism), (19_456, 2, 1));
    }
}
