//! Registration and the caller's own account.

use switchboard_domain::identity::{
    EmailAddress, InvalidPassword, Password, Role, SessionId, User,
};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    Clock, CryptoError, HashError, PasswordHasher, Ports, SessionStore, StoreError, Transaction,
    UnitOfWork, UserStore, Verification,
};

use super::{ClientInfo, Identity, Principal, throttle};

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The email is not an address.
    #[error("not a valid email address")]
    InvalidEmail,
    /// The new password is refused.
    #[error("password {0}")]
    InvalidPassword(InvalidPassword),
    /// The display name is too long or has control characters.
    #[error("display name must be at most 100 characters, without control characters")]
    InvalidDisplayName,
    /// The email belongs to another account.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// The current password given for a change is wrong.
    #[error("the current password is wrong")]
    WrongPassword,
    /// The account does not exist (any more).
    #[error("no such account")]
    NotFound,
    /// Too many registrations from this address.
    #[error("too many attempts; retry in {retry_after} s")]
    Throttled {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Too many passwords are being hashed already; try again after this many seconds.
    #[error("the server is busy; retry in {retry_after} s")]
    Busy {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Hashing failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<HashError> for AccountError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy { retry_after } => AccountError::Busy { retry_after },
            HashError::Failed(e) => AccountError::Crypto(e),
            other => AccountError::Crypto(CryptoError(other.to_string())),
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => AccountError::EmailTaken,
            StoreError::NotFound => AccountError::NotFound,
            other => AccountError::Store(other),
        }
    }
}

/// Checks a display name.
///
/// # Errors
/// [`AccountError::InvalidDisplayName`].
pub fn display_name(raw: &str) -> Result<String, AccountError> {
    let name = raw.trim();
    // The length as sent, which is what the API's schema can state.
    if raw.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AccountError::InvalidDisplayName);
    }
    Ok(name.to_owned())
}

/// Creates a user (the CLI and registration share this). Appends the `added` event.
pub(crate) async fn create_user<P: Ports>(
    id: &Identity<P>,
    email: &str,
    password: String,
    name: &str,
    role: Role,
    actor: Option<UserId>,
) -> Result<User, AccountError> {
    let email = EmailAddress::parse(email).map_err(|_| AccountError::InvalidEmail)?;
    let password = Password::new(password).map_err(AccountError::InvalidPassword)?;
    let display_name = display_name(name)?;
    let password_hash = id.hasher.hash(&password).await?;
    let user = User {
        id: UserId::new(),
        email,
        display_name,
        role,
        disabled: false,
        password_hash,
        created_at: id.clock.now(),
    };
    let saved = user.clone();
    id.uow
        .transact(move |tx| {
            Box::pin(async move {
                insert_user(tx, &saved, actor).await?;
                Ok::<_, AccountError>(())
            })
        })
        .await?;
    Ok(user)
}

/// The password hash of an account made by signing in with a provider's token: not a PHC
/// string, so no password ever verifies against it, and the account signs in only through
/// its provider (or with a password its owner sets later by an operator's reset).
pub const NO_PASSWORD_HASH: &str = "!external-sign-in";

/// Inserts `user` and appends its `added` event, in the caller's transaction; `actor` made
/// it (the user themself when `None`).
///
/// # Errors
/// [`StoreError::Conflict`] when the email is taken, or a failure of the store.
pub(crate) async fn insert_user<T: UserStore + Transaction>(
    tx: &mut T,
    user: &User,
    actor: Option<UserId>,
) -> Result<(), StoreError> {
    tx.insert_user(user).await?;
    let event = NewEvent::added("user", user.id.to_string(), user.snapshot())
        .by(actor.or(Some(user.id)))
        .owned_by(Some(user.id));
    tx.append_events(vec![event]).await
}

/// Registration and the caller's own account.
pub struct AccountService<P: Ports> {
    id: Identity<P>,
}

impl<P: Ports> std::fmt::Debug for AccountService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountService")
    }
}

impl<P: Ports> Clone for AccountService<P> {
    fn clone(&self) -> Self {
        Self { id: self.id.clone() }
    }
}

impl<P: Ports> AccountService<P> {
    /// The service over `id`.
    pub fn new(id: Identity<P>) -> Self {
        Self { id }
    }

    /// Creates a member account. Rate-limited per client IP.
    ///
    /// # Errors
    /// Validation errors, [`AccountError::EmailTaken`], [`AccountError::Throttled`].
    pub async fn register(
        &self,
        email: &str,
        password: String,
        name: &str,
        client: &ClientInfo,
    ) -> Result<User, AccountError> {
        let (now, limit) = (self.id.clock.now(), self.id.policy.register_per_ip);
        let bucket = format!("register-ip:{}", client.ip);
        let throttled = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    Ok::<_, AccountError>(throttle::hit(tx, &bucket, limit, now).await?)
                })
            })
            .await?;
        if let Some(retry_after) = throttled {
            return Err(AccountError::Throttled { retry_after });
        }
        create_user(&self.id, email, password, name, Role::Member, None).await
    }

    /// The caller's account.
    ///
    /// # Errors
    /// [`AccountError::NotFound`], or a failure.
    pub async fn me(&self, caller: &Principal) -> Result<User, AccountError> {
        let user = caller.user_id;
        self.id
            .uow
            .read(move |tx| {
                Box::pin(async move { Ok::<_, AccountError>(tx.user_by_id(user).await?) })
            })
            .await?
            .ok_or(AccountError::NotFound)
    }

    /// Changes the caller's display name and, given the current password, their password;
    /// a password change revokes every other session. Each changed attribute is a `changed`
    /// event (the password's without values: hashes never enter the log).
    ///
    /// # Errors
    /// Validation errors, [`AccountError::WrongPassword`], or a failure.
    pub async fn update_me(
        &self,
        caller: &Principal,
        name: Option<&str>,
        password: Option<(&str, String)>,
    ) -> Result<User, AccountError> {
        let name = name.map(display_name).transpose()?;
        let mut new_hash = None;
        let mut keep: Option<Option<SessionId>> = None;
        if let Some((current, new)) = password {
            let new = Password::new(new).map_err(AccountError::InvalidPassword)?;
            let user = self.me(caller).await?;
            match self.id.hasher.verify(current, Some(&user.password_hash)).await? {
                Verification::Match { .. } => {}
                Verification::Mismatch => return Err(AccountError::WrongPassword),
            }
            new_hash = Some(self.id.hasher.hash(&new).await?);
            keep = Some(caller.session());
        }
        let (user_id, now) = (caller.user_id, self.id.clock.now());
        let user = self
            .id
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    // Read again here: the row may have changed (an admin disabling the user)
                    // while the password was being hashed, and only our fields may be written.
                    let mut user = tx.user_by_id(user_id).await?.ok_or(AccountError::NotFound)?;
                    let oid = user.id.to_string();
                    let mut events = Vec::new();
                    if let Some(name) = name.filter(|n| *n != user.display_name) {
                        let old = std::mem::replace(&mut user.display_name, name);
                        events.push(NewEvent::changed(
                            "user",
                            oid.clone(),
                            "display_name",
                            old,
                            user.display_name.clone(),
                        ));
                    }
                    if let Some(hash) = new_hash {
                        user.password_hash = hash;
                        events.push(NewEvent::changed(
                            "user",
                            oid,
                            "password",
                            serde_json::Value::Null,
                            serde_json::Value::Null,
                        ));
                    }
                    if events.is_empty() {
                        return Ok(user);
                    }
                    tx.update_user(&user).await?;
                    if let Some(except) = keep {
                        tx.revoke_user_sessions(user.id, except, now).await?;
                    }
                    let events =
                        events.into_iter().map(|e| e.by(Some(user_id)).owned_by(Some(user_id)));
                    tx.append_events(events.collect()).await?;
                    Ok::<_, AccountError>(user)
                })
            })
            .await?;
        self.id.sessions.forget_user(user_id);
        Ok(user)
    }
}
