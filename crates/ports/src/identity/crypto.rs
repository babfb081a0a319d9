//! Cryptographic ports: password hashing, access tokens, and the secret box.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{Password, SessionId};

/// A cryptographic operation failed for a reason that is not the caller's input (a bad key in
/// the configuration, a worker pool gone).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("crypto failure: {0}")]
pub struct CryptoError(pub String);

/// Why a password could not be hashed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashError {
    /// Too many hashes are already waiting: refused at once, rather than queued without end,
    /// so that a login storm gets quick answers and bounded memory.
    #[error("password hashing is saturated; retry in {retry_after} s")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after: u64,
    },
    /// Hashing could not run.
    #[error(transparent)]
    Failed(#[from] CryptoError),
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Wrong password (or no account: the check ran against a dummy hash).
    Mismatch,
    /// The right password.
    Match {
        /// The stored hash uses other parameters than the configured ones: hash it again.
        needs_rehash: bool,
    },
}

/// Hashes and verifies passwords. Implementations run the work off the async workers, with a
/// bounded number at a time and a bounded number waiting.
pub trait PasswordHasher: Send + Sync + 'static {
    /// A PHC string for `password`, with a fresh salt and the configured parameters.
    ///
    /// # Errors
    /// [`HashError::Busy`] when too many hashes wait already, [`HashError::Failed`] when
    /// hashing cannot run.
    fn hash(&self, password: &Password) -> impl Future<Output = Result<String, HashError>> + Send;

    /// Checks `password` against `hash`; with `None` (no such account), checks it against a
    /// dummy hash so that the answer takes about as long, and reports a mismatch.
    ///
    /// # Errors
    /// [`HashError::Busy`] when too many hashes wait already, [`HashError::Failed`] when
    /// verifying cannot run. A malformed stored hash is a mismatch.
    fn verify(
        &self,
        password: &str,
        hash: Option<&str>,
    ) -> impl Future<Output = Result<Verification, HashError>> + Send;
}

/// What a valid access token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user (`sub`).
    pub user_id: UserId,
    /// The session it was issued for (`sid`).
    pub session_id: SessionId,
    /// When it was issued (`iat`).
    pub issued_at: DateTime<Utc>,
    /// When it expires (`exp`).
    pub expires_at: DateTime<Utc>,
    /// Its unique id (`jti`).
    pub token_id: String,
}

/// A freshly signed access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The compact JWT.
    pub token: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// Why an access token is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a JWT, or claims missing or of the wrong type.
    #[error("malformed token")]
    Malformed,
    /// Signed with another algorithm, or `none`.
    #[error("unsupported algorithm")]
    Algorithm,
    /// The `kid` names no configured key.
    #[error("unknown key id")]
    UnknownKey,
    /// The signature does not verify.
    #[error("bad signature")]
    Signature,
    /// Issued by someone else.
    #[error("wrong issuer")]
    Issuer,
    /// Meant for someone else.
    #[error("wrong audience")]
    Audience,
    /// Past its `exp`.
    #[error("expired")]
    Expired,
    /// Its `iat` or `nbf` lies in the future, beyond the tolerated clock skew.
    #[error("not valid yet")]
    NotYetValid,
    /// Signing failed (a configuration problem).
    #[error("cannot sign: {0}")]
    Signing(String),
}

/// Issues and verifies access tokens, and publishes the keys that verify them.
pub trait TokenIssuer: Send + Sync + 'static {
    /// Signs an access token for `user` in `session`, valid from `now` for the configured time.
    ///
    /// # Errors
    /// [`TokenError::Signing`] when the key cannot sign.
    fn issue(
        &self,
        user: UserId,
        session: SessionId,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, TokenError>;

    /// Checks a token's algorithm, key, signature, issuer, audience, expiry, and that its
    /// `iat` and `nbf` do not lie in the future (beyond a small clock skew), at `now`.
    ///
    /// # Errors
    /// [`TokenError`] naming the first check that failed.
    fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, TokenError>;

    /// The public keys as a JSON Web Key Set.
    fn jwks(&self) -> serde_json::Value;

    /// Access tokens' lifetime, in seconds.
    fn lifetime_secs(&self) -> u64;
}

/// Encrypts secrets at rest (provider tokens and the like) with keys that rotate: each
/// ciphertext names its key, so older ones still open after a new key takes over.
pub trait SecretBox: Send + Sync + 'static {
    /// Encrypts `plaintext` under the current key, bound to `context` (for example the owning
    /// row's id, so a ciphertext moved elsewhere does not open).
    ///
    /// # Errors
    /// [`CryptoError`] when encryption fails.
    fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// Decrypts what [`SecretBox::seal`] produced with the same `context`.
    ///
    /// # Errors
    /// [`CryptoError`] for an unknown key, a tampered ciphertext or the wrong context.
    fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, CryptoError>;

    /// The id of the key new ciphertexts are sealed with.
    fn current_key_id(&self) -> &str;
}
