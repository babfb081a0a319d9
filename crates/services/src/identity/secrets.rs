//! Secrets at rest: sealing, opening, and re-encrypting under the current key.

use switchboard_ports::{
    CryptoError, Ports, SealedSecret, SealedSecretStore, SecretBox, StoreError, UnitOfWork,
};

/// Seals, opens and rotates secrets at rest.
pub struct SecretService<P: Ports> {
    uow: P::Uow,
    secrets: P::Secrets,
}

impl<P: Ports> std::fmt::Debug for SecretService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretService")
    }
}

impl<P: Ports> Clone for SecretService<P> {
    fn clone(&self) -> Self {
        Self { uow: self.uow.clone(), secrets: self.secrets.clone() }
    }
}

/// Why a secret operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// Encryption or decryption failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<P: Ports> SecretService<P> {
    /// The service over the unit of work and the secret box.
    pub fn new(uow: P::Uow, secrets: P::Secrets) -> Self {
        Self { uow, secrets }
    }

    /// Seals `plaintext` and stores it as `secret` (its `key_id` and `ciphertext` are set here).
    ///
    /// # Errors
    /// [`SecretError`].
    pub async fn store(
        &self,
        mut secret: SealedSecret,
        plaintext: &[u8],
    ) -> Result<(), SecretError> {
        secret.ciphertext = self.secrets.seal(plaintext, secret.id.as_bytes())?;
        secret.key_id = self.secrets.current_key_id().to_owned();
        self.uow
            .transact(move |tx| Box::pin(async move { Ok(tx.put_sealed(&secret).await?) }))
            .await
    }

    /// Opens the stored secret `id`.
    ///
    /// # Errors
    /// [`SecretError`].
    pub async fn open(&self, id: uuid::Uuid) -> Result<Option<Vec<u8>>, SecretError> {
        let found: Option<SealedSecret> = self
            .uow
            .transact(move |tx| Box::pin(async move { Ok::<_, SecretError>(tx.sealed(id).await?) }))
            .await?;
        found
            .map(|s| self.secrets.open(&s.ciphertext, s.id.as_bytes()).map_err(Into::into))
            .transpose()
    }

    /// Re-encrypts every secret sealed under an older key with the current one, in batches of
    /// `batch` per transaction. Returns how many were re-encrypted.
    ///
    /// # Errors
    /// [`SecretError`]; secrets already re-encrypted stay so.
    pub async fn rotate(&self, batch: u32) -> Result<u64, SecretError> {
        let mut total = 0;
        loop {
            let secrets = self.secrets.clone();
            let done = self
                .uow
                .transact(move |tx| {
                    Box::pin(async move {
                        let current = secrets.current_key_id().to_owned();
                        let stale = tx.sealed_not_under(&current, batch.max(1)).await?;
                        let count = stale.len() as u64;
                        for mut s in stale {
                            let plain = secrets.open(&s.ciphertext, s.id.as_bytes())?;
                            s.ciphertext = secrets.seal(&plain, s.id.as_bytes())?;
                            s.key_id.clone_from(&current);
                            tx.put_sealed(&s).await?;
                        }
                        Ok::<_, SecretError>(count)
                    })
                })
                .await?;
            if done == 0 {
                return Ok(total);
            }
            total += done;
        }
    }
}
