//! The identity aggregates' stores, implemented by each adapter's transaction type.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{ApiKey, ApiKeyId, EmailAddress, Session, SessionId, User};

use crate::StoreError;

/// Which users an admin lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Only emails containing this text (case-insensitive).
    pub email_contains: Option<String>,
    /// Users to skip, in creation order.
    pub offset: u64,
    /// At most this many.
    pub limit: u32,
}

/// A page of users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserPage {
    /// The users, oldest first.
    pub users: Vec<User>,
    /// How many match in all.
    pub total: u64,
}

/// User accounts.
pub trait UserStore: Send {
    /// Adds an account.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the email is taken.
    fn insert_user(&mut self, user: &User) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The account with this id.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn user_by_id(
        &mut self,
        id: UserId,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// The account with this email.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn user_by_email(
        &mut self,
        email: &EmailAddress,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// Saves the account's display name, role, disabled flag and password hash.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    fn update_user(&mut self, user: &User) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A page of accounts.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn list_users(
        &mut self,
        query: &UserQuery,
    ) -> impl Future<Output = Result<UserPage, StoreError>> + Send;

    /// How many superadmins are not disabled, locking them so that two concurrent demotions
    /// cannot both see two.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn count_active_superadmins(&mut self) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Sessions and their refresh tokens (stored as SHA-256 hashes only).
pub trait SessionStore: Send {
    /// Adds a session and its first refresh token.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_session(
        &mut self,
        session: &Session,
        refresh_hash: &[u8],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The session a refresh token belongs to, locked for the transaction (so concurrent
    /// refreshes of one session run one after the other), and the token's state as it is once
    /// the lock is held.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn session_by_refresh(
        &mut self,
        refresh_hash: &[u8],
    ) -> impl Future<Output = Result<Option<(Session, RefreshTokenState)>, StoreError>> + Send;

    /// Marks the rotation's old token used at `rotation.at`, with its successor, adds the
    /// successor to the session, and records the session's use at `rotation.at`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn rotate_refresh(
        &mut self,
        session: SessionId,
        old_hash: &[u8],
        rotation: &Rotation,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The session with this id, if it is `user`'s.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn session_of(
        &mut self,
        user: UserId,
        id: SessionId,
    ) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;

    /// The session and its user, in one read: how an access token is authenticated.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn session_with_user(
        &mut self,
        id: SessionId,
    ) -> impl Future<Output = Result<Option<(Session, User)>, StoreError>> + Send;

    /// `user`'s sessions not revoked, newest first.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn list_sessions(
        &mut self,
        user: UserId,
    ) -> impl Future<Output = Result<Vec<Session>, StoreError>> + Send;

    /// Revokes `user`'s session `id`; `false` when there is no such unrevoked session of theirs.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn revoke_session(
        &mut self,
        user: UserId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Revokes every session of `user` but `except`; returns how many.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn revoke_user_sessions(
        &mut self,
        user: UserId,
        except: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// A refresh token's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshTokenState {
    /// Never used: it may rotate.
    Unused,
    /// Used already. `None` for a token rotated before successors were kept (it has no grace).
    Used(Option<Rotation>),
}

/// How a refresh token was rotated: when, and into which successor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    /// When the old token was used.
    pub at: DateTime<Utc>,
    /// SHA-256 of the successor.
    pub successor_hash: Vec<u8>,
    /// The successor masked with a key only the old token's holder can derive, so a refresh
    /// racing the rotation gets the same successor back (see the identity service).
    pub successor_masked: Vec<u8>,
    /// Whether the successor itself was used already (read with the token; ignored on write).
    pub successor_used: bool,
}

/// API keys.
pub trait ApiKeyStore: Send {
    /// Adds a key.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the prefix is taken.
    fn insert_api_key(
        &mut self,
        key: &ApiKey,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The key with this prefix and its owner, in one read: how a key is authenticated.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn api_key_by_prefix(
        &mut self,
        prefix: &str,
    ) -> impl Future<Output = Result<Option<(ApiKey, User)>, StoreError>> + Send;

    /// `user`'s keys not revoked, newest first.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn list_api_keys(
        &mut self,
        user: UserId,
    ) -> impl Future<Output = Result<Vec<ApiKey>, StoreError>> + Send;

    /// Revokes `user`'s key `id`; `None` when there is no such unrevoked key of theirs.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn revoke_api_key(
        &mut self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<ApiKey>, StoreError>> + Send;

    /// Revokes every key of `user`; returns the revoked keys.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn revoke_user_api_keys(
        &mut self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<ApiKey>, StoreError>> + Send;

    /// Records that the key was used at `now`, if it was not in the last minute.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn touch_api_key(
        &mut self,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A fixed window of a throttle bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleWindow {
    /// Hits counted in the window.
    pub hits: u32,
    /// When the window ends and the count starts again.
    pub resets_at: DateTime<Utc>,
}

/// Counters in fixed windows, shared by every server process (rate limits, failed logins).
pub trait ThrottleStore: Send {
    /// Counts a hit on `bucket` at `now` (a new window of `window` if the last one ended), and
    /// returns the window. Atomic under concurrent hits.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn throttle_hit(
        &mut self,
        bucket: &str,
        window: Duration,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<ThrottleWindow, StoreError>> + Send;

    /// The current window of `bucket` at `now`, if one is running.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn throttle_peek(
        &mut self,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<ThrottleWindow>, StoreError>> + Send;

    /// Counts a hit on `hit` (as [`Self::throttle_hit`]) and reads the windows of `peek` (as
    /// [`Self::throttle_peek`], in the same order), in one round trip where the store can.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn throttle_hit_and_peek(
        &mut self,
        hit: &str,
        window: Duration,
        peek: &[&str],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(ThrottleWindow, Vec<Option<ThrottleWindow>>), StoreError>> + Send
    {
        async move {
            let counted = self.throttle_hit(hit, window, now).await?;
            let mut windows = Vec::with_capacity(peek.len());
            for bucket in peek {
                windows.push(self.throttle_peek(bucket, now).await?);
            }
            Ok((counted, windows))
        }
    }

    /// Forgets `bucket`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn throttle_clear(
        &mut self,
        bucket: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets every bucket of `buckets`, in one round trip where the store can.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn throttle_clear_all(
        &mut self,
        buckets: &[&str],
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async move {
            for bucket in buckets {
                self.throttle_clear(bucket).await?;
            }
            Ok(())
        }
    }
}

/// A secret stored encrypted by a [`crate::SecretBox`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    /// Its id, also the AEAD context: a ciphertext copied to another row does not open.
    pub id: uuid::Uuid,
    /// The owner, if a user owns it.
    pub owner_id: Option<UserId>,
    /// What it is (`gmail_refresh_token`, …).
    pub purpose: String,
    /// The key it is sealed with.
    pub key_id: String,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
}

/// Secrets at rest.
pub trait SealedSecretStore: Send {
    /// Stores a sealed secret (replacing one with the same id).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn put_sealed(
        &mut self,
        secret: &SealedSecret,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The sealed secret with this id.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn sealed(
        &mut self,
        id: uuid::Uuid,
    ) -> impl Future<Output = Result<Option<SealedSecret>, StoreError>> + Send;

    /// Up to `limit` secrets sealed under another key than `key_id`, locked for rewriting.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn sealed_not_under(
        &mut self,
        key_id: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<SealedSecret>, StoreError>> + Send;
}

/// Every identity store: what the identity services need of a transaction.
pub trait IdentityStores:
    UserStore + SessionStore + ApiKeyStore + ThrottleStore + SealedSecretStore
{
}

impl<T: UserStore + SessionStore + ApiKeyStore + ThrottleStore + SealedSecretStore> IdentityStores
    for T
{
}
