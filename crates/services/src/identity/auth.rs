//! Login, refresh-token rotation, logout, sessions, and authenticating requests.

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, Scopes, Session, SessionId, User};
use switchboard_ports::{
    ApiKeyStore, Clock, CryptoError, HashError, PasswordHasher, Ports, RefreshTokenState, Rotation,
    SessionStore, StoreError, ThrottleStore, TokenError, TokenIssuer, UnitOfWork, UserStore,
    Verification,
};

use super::{ClientInfo, Identity, Principal, PrincipalKind, opaque, throttle};

/// What login and refresh answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenPair {
    /// The JWT.
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// The opaque refresh token (shown once; only its hash is stored).
    pub refresh_token: String,
    /// Whose tokens they are.
    pub user_id: UserId,
}

/// Why authentication or a session operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Unknown email, wrong password or disabled account: one answer for all.
    #[error("invalid email or password")]
    InvalidCredentials,
    /// The access token is refused.
    #[error("invalid access token: {0}")]
    InvalidToken(TokenError),
    /// The credential was valid once but its session, key or user no longer is.
    #[error("the credentials are no longer valid")]
    Revoked,
    /// The refresh token is unknown, used, or its session ended.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// A refresh token was presented twice: its session is now revoked (answered like an
    /// invalid token, but worth an operator's attention).
    #[error("invalid refresh token")]
    RefreshReused,
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; retry in {retry_after} s")]
    Throttled {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The operation needs a session (an access token), not an API key.
    #[error("this needs a signed-in session, not an API key")]
    NotASession,
    /// No such session of the caller's.
    #[error("no such session")]
    SessionNotFound,
    /// Too many passwords are being hashed already; try again after this many seconds.
    #[error("the server is busy; retry in {retry_after} s")]
    Busy {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Hashing or signing failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<HashError> for AuthError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy { retry_after } => AuthError::Busy { retry_after },
            HashError::Failed(e) => AuthError::Crypto(e),
            other => AuthError::Crypto(CryptoError(other.to_string())),
        }
    }
}

/// Login, refresh, logout and sessions.
pub struct AuthService<P: Ports> {
    id: Identity<P>,
}

impl<P: Ports> std::fmt::Debug for AuthService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthService")
    }
}

impl<P: Ports> Clone for AuthService<P> {
    fn clone(&self) -> Self {
        Self { id: self.id.clone() }
    }
}

enum RefreshOutcome {
    /// Rotated now, or within the grace period: this successor goes back to the client.
    Issued(UserId, SessionId, String),
    Reused(SessionId),
    Invalid,
}

/// The throttle buckets of a login attempt by `email` (or `-`) from `ip`.
struct LoginBuckets {
    /// Every attempt from the address.
    ip: String,
    /// Failures of the account, from every address.
    account: String,
    /// Failures from the address, over every account.
    fail_ip: String,
    /// Failures of the account from the address.
    pair: String,
    /// Running while the pair must wait before its next attempt.
    pair_wait: String,
}

impl LoginBuckets {
    fn new(email: &str, ip: &str) -> Self {
        Self {
            ip: format!("login-ip:{ip}"),
            account: format!("login-fail-account:{email}"),
            fail_ip: format!("login-fail-ip:{ip}"),
            pair: format!("login-fail-pair:{ip} {email}"),
            pair_wait: format!("login-wait-pair:{ip} {email}"),
        }
    }
}

impl<P: Ports> AuthService<P> {
    /// The service over `id`.
    pub fn new(id: Identity<P>) -> Self {
        Self { id }
    }

    fn pair(
        &self,
        user: UserId,
        session: SessionId,
        refresh: String,
    ) -> Result<TokenPair, AuthError> {
        let now = self.id.clock.now();
        let issued = self.id.tokens.issue(user, session, now).map_err(AuthError::InvalidToken)?;
        Ok(TokenPair {
            access_token: issued.token,
            expires_in: self.id.tokens.lifetime_secs(),
            refresh_token: refresh,
            user_id: user,
        })
    }

    /// Checks the credentials and opens a session. Throttled per client address (every
    /// attempt), per address over every account (failures), per account and address together
    /// (failures beyond a few make that pair wait, longer each time), and per account over
    /// every address (a high ceiling of failures locks it for all): a stranger who knows the
    /// email slows only their own attempts, and its owner still gets in from their address.
    ///
    /// # Errors
    /// [`AuthError::InvalidCredentials`], [`AuthError::Throttled`], or a failure.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: ClientInfo,
    ) -> Result<TokenPair, AuthError> {
        let policy = self.id.policy.clone();
        let now = self.id.clock.now();
        let email = EmailAddress::parse(email).ok();
        let key = email.as_ref().map_or_else(|| "-".to_owned(), |e| e.as_str().to_owned());
        let buckets = std::sync::Arc::new(LoginBuckets::new(&key, &client.ip));
        let b = buckets.clone();
        let lookup = email.clone();
        let user: Option<User> = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    // One round trip: count this attempt, read the failure windows.
                    let window = policy.login_per_ip.window;
                    let peek = [b.account.as_str(), b.fail_ip.as_str(), b.pair_wait.as_str()];
                    let (counted, failures) =
                        tx.throttle_hit_and_peek(&b.ip, window, &peek, now).await?;
                    let failures = |i: usize| failures.get(i).and_then(Option::as_ref);
                    let checks = [
                        throttle::exceeded(&counted, policy.login_per_ip, now),
                        throttle::reached(failures(0), policy.failed_per_account, now),
                        throttle::reached(failures(1), policy.failed_per_ip, now),
                        failures(2).map(|wait| throttle::retry_after(wait, now)),
                    ];
                    if let Some(retry_after) = checks.into_iter().flatten().max() {
                        return Err(AuthError::Throttled { retry_after });
                    }
                    match lookup {
                        Some(email) => Ok(tx.user_by_email(&email).await?),
                        None => Ok(None),
                    }
                })
            })
            .await?;
        let verdict = self
            .id
            .hasher
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await?;
        let (user, needs_rehash) = match (user, verdict) {
            (Some(user), Verification::Match { needs_rehash }) if !user.disabled => {
                (user, needs_rehash)
            }
            _ => {
                let policy = self.id.policy.clone();
                let b = buckets.clone();
                self.id
                    .uow
                    .transact(move |tx| {
                        Box::pin(async move {
                            let backoff = policy.failed_per_account_ip;
                            tx.throttle_hit(&b.account, policy.failed_per_account.window, now)
                                .await?;
                            tx.throttle_hit(&b.fail_ip, policy.failed_per_ip.window, now).await?;
                            let pair = tx.throttle_hit(&b.pair, backoff.window, now).await?;
                            // The wait window starts afresh: attempts during a wait are refused
                            // before any password is checked, so none fails inside one.
                            if let Some(delay) = backoff.delay_after(pair.hits) {
                                tx.throttle_hit(&b.pair_wait, delay, now).await?;
                            }
                            Ok::<_, AuthError>(())
                        })
                    })
                    .await?;
                return Err(AuthError::InvalidCredentials);
            }
        };
        let rehashed = match (
            needs_rehash,
            switchboard_domain::identity::Password::new(password.to_owned()),
        ) {
            (true, Ok(p)) => Some(self.id.hasher.hash(&p).await?),
            _ => None,
        };
        let (session, refresh, refresh_hash) = self.new_session(user.id, client, now)?;
        let session_id = session.id;
        let (user_id, verified_hash) = (user.id, user.password_hash);
        let b = buckets;
        self.id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    // A success forgets the account's failures and this address's for it.
                    let forget = [b.account.as_str(), b.pair.as_str(), b.pair_wait.as_str()];
                    tx.throttle_clear_all(&forget).await?;
                    // Only the hash is ours to write, and only if it is still the one verified:
                    // the rest of the row may have changed (a role, a disable) since it was read.
                    if let Some(hash) = rehashed
                        && let Some(current) = tx.user_by_id(user_id).await?
                        && current.password_hash == verified_hash
                    {
                        tx.update_user(&User { password_hash: hash, ..current }).await?;
                    }
                    tx.insert_session(&session, &refresh_hash).await?;
                    Ok::<_, AuthError>(())
                })
            })
            .await?;
        self.pair(user_id, session_id, refresh)
    }

    /// A session for `user` starting `now`, with its refresh token and that token's hash.
    fn new_session(
        &self,
        user: UserId,
        client: ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<(Session, String, Vec<u8>), AuthError> {
        let (refresh, refresh_hash) = opaque::refresh_token().map_err(CryptoError)?;
        let absolute = chrono::Duration::from_std(self.id.policy.session_absolute)
            .unwrap_or(chrono::Duration::days(3650));
        let session = Session {
            id: SessionId::new(),
            user_id: user,
            user_agent: client.user_agent.chars().take(512).collect(),
            ip: client.ip,
            created_at: now,
            last_used_at: now,
            expires_at: now + absolute,
            revoked_at: None,
        };
        Ok((session, refresh, refresh_hash))
    }

    /// Opens a session for a user who proved who they are otherwise than by their password
    /// (a token their identity provider issued, verified by the caller): the same token pair
    /// as [`AuthService::login`].
    ///
    /// # Errors
    /// [`AuthError::Revoked`] when the user is gone or disabled, or a failure.
    pub async fn sign_in_verified(
        &self,
        user: UserId,
        client: ClientInfo,
    ) -> Result<TokenPair, AuthError> {
        let now = self.id.clock.now();
        let (session, refresh, refresh_hash) = self.new_session(user, client, now)?;
        let session_id = session.id;
        self.id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let found = tx.user_by_id(user).await?;
                    if found.is_none_or(|u| u.disabled) {
                        return Err(AuthError::Revoked);
                    }
                    tx.insert_session(&session, &refresh_hash).await?;
                    Ok(())
                })
            })
            .await?;
        self.pair(user, session_id, refresh)
    }

    /// Rotates a refresh token: the old one stops working and a new pair is issued.
    /// Presenting a token already used revokes its whole session (RFC 9700, 4.14.2), except
    /// within `refresh_reuse_grace` of its rotation while its successor is still unused: two
    /// requests in flight with one token (a mobile app) then both get the same successor,
    /// each with a fresh access token.
    ///
    /// # Errors
    /// [`AuthError::InvalidRefreshToken`], [`AuthError::RefreshReused`], or a failure.
    pub async fn refresh(&self, token: &str) -> Result<TokenPair, AuthError> {
        let now = self.id.clock.now();
        let (idle, grace) = (self.id.policy.session_idle, self.id.policy.refresh_reuse_grace);
        let grace = chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
        let old_hash = opaque::hash(token);
        let (refresh, new_hash) = opaque::refresh_token().map_err(CryptoError)?;
        let masked = opaque::mask_successor(token, &refresh)
            .ok_or_else(|| CryptoError("a refresh token that does not mask".into()))?;
        let previous = token.to_owned();
        let outcome = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    // Locks the session: a concurrent refresh of the family waits for this one
                    // and then sees its rotation.
                    let Some((session, state)) = tx.session_by_refresh(&old_hash).await? else {
                        return Ok::<_, AuthError>(RefreshOutcome::Invalid);
                    };
                    let successor = match state {
                        RefreshTokenState::Unused => None,
                        RefreshTokenState::Used(Some(rotation))
                            if !rotation.successor_used
                                && rotation
                                    .at
                                    .checked_add_signed(grace)
                                    .is_some_and(|end| now < end) =>
                        {
                            let unmasked = opaque::unmask_successor(
                                &previous,
                                &rotation.successor_masked,
                                &rotation.successor_hash,
                            );
                            Some(unmasked.ok_or(AuthError::InvalidRefreshToken)?)
                        }
                        RefreshTokenState::Used(_) => {
                            tx.revoke_session(session.user_id, session.id, now).await?;
                            return Ok(RefreshOutcome::Reused(session.id));
                        }
                    };
                    let user = tx.user_by_id(session.user_id).await?;
                    if !session.is_active(now, idle) || user.is_none_or(|u| u.disabled) {
                        return Ok(RefreshOutcome::Invalid);
                    }
                    let issued = match successor {
                        Some(successor) => successor,
                        None => {
                            let rotation = Rotation {
                                at: now,
                                successor_hash: new_hash,
                                successor_masked: masked,
                                successor_used: false,
                            };
                            tx.rotate_refresh(session.id, &old_hash, &rotation).await?;
                            refresh
                        }
                    };
                    Ok(RefreshOutcome::Issued(session.user_id, session.id, issued))
                })
            })
            .await?;
        match outcome {
            RefreshOutcome::Issued(user, session, refresh) => {
                // Its last use moved: read it again (the feed says so to other processes).
                self.id.sessions.forget_session(session);
                self.pair(user, session, refresh)
            }
            RefreshOutcome::Reused(session) => {
                self.id.sessions.forget_session(session);
                Err(AuthError::RefreshReused)
            }
            RefreshOutcome::Invalid => Err(AuthError::InvalidRefreshToken),
        }
    }

    /// Ends the caller's session.
    ///
    /// # Errors
    /// [`AuthError::NotASession`] for an API key, or a failure.
    pub async fn logout(&self, caller: &Principal) -> Result<(), AuthError> {
        let session = caller.session().ok_or(AuthError::NotASession)?;
        let (user, now) = (caller.user_id, self.id.clock.now());
        self.id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.revoke_session(user, session, now).await?;
                    Ok::<_, AuthError>(())
                })
            })
            .await?;
        self.id.sessions.forget_session(session);
        Ok(())
    }

    /// Ends every session of the caller's user.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn logout_all(&self, caller: &Principal) -> Result<u64, AuthError> {
        let (user, now) = (caller.user_id, self.id.clock.now());
        let ended = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    Ok::<_, AuthError>(tx.revoke_user_sessions(user, None, now).await?)
                })
            })
            .await?;
        self.id.sessions.forget_user(user);
        Ok(ended)
    }

    /// The caller's sessions still usable, newest first.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn sessions(&self, caller: &Principal) -> Result<Vec<Session>, AuthError> {
        let (user, now, idle) = (caller.user_id, self.id.clock.now(), self.id.policy.session_idle);
        let all = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move { Ok::<_, AuthError>(tx.list_sessions(user).await?) })
            })
            .await?;
        Ok(all.into_iter().filter(|s| s.is_active(now, idle)).collect())
    }

    /// Ends one of the caller's sessions.
    ///
    /// # Errors
    /// [`AuthError::SessionNotFound`] when it is not theirs or already ended.
    pub async fn delete_session(&self, caller: &Principal, id: SessionId) -> Result<(), AuthError> {
        let (user, now) = (caller.user_id, self.id.clock.now());
        let revoked = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move { Ok::<_, AuthError>(tx.revoke_session(user, id, now).await?) })
            })
            .await?;
        self.id.sessions.forget_session(id);
        if revoked { Ok(()) } else { Err(AuthError::SessionNotFound) }
    }

    /// Authenticates a bearer credential: an API key (`sbk_…`) or an access token, whose
    /// session and user are read in one query, or taken from the sessions checked lately
    /// while nothing of them changed (see [`super::CheckedSessions`]), so revocation and role
    /// changes apply at once.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`], [`AuthError::Revoked`], or a failure.
    pub async fn authenticate(&self, credential: &str) -> Result<Principal, AuthError> {
        if credential.starts_with(opaque::API_KEY_PREFIX) {
            return self.authenticate_api_key(credential).await;
        }
        let now = self.id.clock.now();
        let claims = self.id.tokens.verify(credential, now).map_err(AuthError::InvalidToken)?;
        let idle = self.id.policy.session_idle;
        let sid = claims.session_id;
        let sessions = &self.id.sessions;
        let found = match sessions.get(sid) {
            Some(kept) => Some(kept),
            None => {
                let generation = sessions.generation();
                // One indexed read, outside a transaction: the session and its user together.
                let found = self
                    .id
                    .uow
                    .read(move |tx| {
                        Box::pin(
                            async move { Ok::<_, AuthError>(tx.session_with_user(sid).await?) },
                        )
                    })
                    .await?;
                if let Some((session, user)) = &found {
                    sessions.keep(generation, session.clone(), user.clone());
                }
                found
            }
        };
        match found {
            Some((session, user))
                if session.user_id == claims.user_id
                    && session.is_active(now, idle)
                    && !user.disabled =>
            {
                Ok(Principal {
                    user_id: user.id,
                    role: user.role,
                    scopes: Scopes::all(),
                    kind: PrincipalKind::Session(session.id),
                    user,
                })
            }
            _ => Err(AuthError::Revoked),
        }
    }

    /// Authenticates an API key.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] for a key that does not match, [`AuthError::Revoked`].
    pub async fn authenticate_api_key(&self, key: &str) -> Result<Principal, AuthError> {
        let (prefix, secret) =
            opaque::split_api_key(key).ok_or(AuthError::InvalidToken(TokenError::Malformed))?;
        let (prefix, secret) = (prefix.to_owned(), secret.to_owned());
        let now: DateTime<Utc> = self.id.clock.now();
        self.id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let Some((key, user)) = tx.api_key_by_prefix(&prefix).await? else {
                        return Err(AuthError::InvalidToken(TokenError::Signature));
                    };
                    if !opaque::secret_matches(&secret, &key.secret_hash) {
                        return Err(AuthError::InvalidToken(TokenError::Signature));
                    }
                    if !key.is_active(now) || user.disabled {
                        return Err(AuthError::Revoked);
                    }
                    tx.touch_api_key(key.id, now).await?;
                    Ok(Principal {
                        user_id: user.id,
                        role: user.role,
                        scopes: key.scopes,
                        kind: PrincipalKind::ApiKey(key.id),
                        user,
                    })
                })
            })
            .await
    }
}
