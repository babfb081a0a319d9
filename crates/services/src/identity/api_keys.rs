//! API keys of the caller.

use chrono::{DateTime, Utc};
use switchboard_domain::NewEvent;
use switchboard_domain::identity::{ApiKey, ApiKeyId, Scopes};
use switchboard_ports::{
    ApiKeyStore, Clock, CryptoError, Ports, StoreError, Transaction, UnitOfWork,
};

use super::{Identity, Principal, opaque};

/// Why an API-key operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiKeyError {
    /// The name is empty or longer than 100 characters.
    #[error("name must be 1 to 100 characters")]
    InvalidName,
    /// No scope, or an unknown one.
    #[error("scopes: {0}")]
    InvalidScopes(String),
    /// The expiry is in the past.
    #[error("expires_at must be in the future")]
    InvalidExpiry,
    /// No such key of the caller's.
    #[error("no such API key")]
    NotFound,
    /// Keys are created from a signed-in session only: a key that could mint keys would keep
    /// itself alive once leaked.
    #[error("creating API keys needs a signed-in session, not an API key")]
    NotASession,
    /// The random source failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A key just created: the full key is in `secret`, shown this once.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    /// The stored key.
    pub key: ApiKey,
    /// `sbk_<prefix>_<secret>`.
    pub secret: String,
}

/// Creates, lists and revokes the caller's API keys.
pub struct ApiKeyService<P: Ports> {
    id: Identity<P>,
}

impl<P: Ports> std::fmt::Debug for ApiKeyService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKeyService")
    }
}

impl<P: Ports> Clone for ApiKeyService<P> {
    fn clone(&self) -> Self {
        Self { id: self.id.clone() }
    }
}

impl<P: Ports> ApiKeyService<P> {
    /// The service over `id`.
    pub fn new(id: Identity<P>) -> Self {
        Self { id }
    }

    /// Creates a key for the caller's user, who must have signed in (an access token).
    ///
    /// # Errors
    /// [`ApiKeyError::NotASession`] for a caller authenticated by an API key, validation
    /// errors, or a failure.
    pub async fn create(
        &self,
        caller: &Principal,
        name: &str,
        scopes: &[String],
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<NewApiKey, ApiKeyError> {
        if caller.session().is_none() {
            return Err(ApiKeyError::NotASession);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ApiKeyError::InvalidName);
        }
        let scopes =
            Scopes::parse(scopes).map_err(|e| ApiKeyError::InvalidScopes(e.to_string()))?;
        if scopes.is_empty() {
            return Err(ApiKeyError::InvalidScopes("at least one of read, write".into()));
        }
        let now = self.id.clock.now();
        if expires_at.is_some_and(|at| at <= now) {
            return Err(ApiKeyError::InvalidExpiry);
        }
        let (secret, prefix, secret_hash) = opaque::api_key().map_err(CryptoError)?;
        let key = ApiKey {
            id: ApiKeyId::new(),
            user_id: caller.user_id,
            name: name.to_owned(),
            prefix,
            secret_hash,
            scopes,
            created_at: now,
            last_used_at: None,
            expires_at,
            revoked_at: None,
        };
        let saved = key.clone();
        self.id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.insert_api_key(&saved).await?;
                    let event = NewEvent::added("api_key", saved.id.to_string(), saved.snapshot())
                        .by(Some(saved.user_id))
                        .owned_by(Some(saved.user_id));
                    tx.append_events(vec![event]).await?;
                    Ok::<_, ApiKeyError>(())
                })
            })
            .await?;
        Ok(NewApiKey { key, secret })
    }

    /// The caller's keys not revoked, newest first.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn list(&self, caller: &Principal) -> Result<Vec<ApiKey>, ApiKeyError> {
        let user = caller.user_id;
        self.id
            .uow
            .transact(move |tx| Box::pin(async move { Ok(tx.list_api_keys(user).await?) }))
            .await
    }

    /// Revokes one of the caller's keys.
    ///
    /// # Errors
    /// [`ApiKeyError::NotFound`] when it is not theirs or already revoked.
    pub async fn revoke(&self, caller: &Principal, id: ApiKeyId) -> Result<(), ApiKeyError> {
        let (user, now) = (caller.user_id, self.id.clock.now());
        self.id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let key =
                        tx.revoke_api_key(user, id, now).await?.ok_or(ApiKeyError::NotFound)?;
                    let event = NewEvent::deleted("api_key", key.id.to_string())
                        .by(Some(user))
                        .owned_by(Some(key.user_id));
                    tx.append_events(vec![event]).await?;
                    Ok(())
                })
            })
            .await
    }
}
