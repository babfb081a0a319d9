//! The demo account of `make run`: a member connected to the sandbox's Slack and Mattermost,
//! through the same connect use case as `POST /api/chat/sources` (tokens validated by the
//! provider, then sealed), so a newcomer has analytics a few seconds after the server starts.
//!
//! Seeding is idempotent: a second run finds the account, gives it the configured password
//! again (only if it changed) and replaces its sources, because the sandbox generates its
//! history afresh at every start (new timestamps): keeping the old posts would count the same
//! conversations twice.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use switchboard_domain::chat_sources::{Source, SourceStatus};
use switchboard_domain::identity::{EmailAddress, Password, Role, User};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    Clock, CryptoError, PasswordHasher, Ports, SessionStore, StoreError, Transaction, UnitOfWork,
    UserStore, Verification,
};

use crate::identity::{AccountError, Identity, create_user};
use crate::{ChatService, ChatServiceError, ConnectSource};

/// The account to create or reset.
#[derive(Clone)]
pub struct DemoAccount {
    /// Its email (the login).
    pub email: String,
    /// Its password, in the clear: it is printed for the newcomer anyway.
    pub password: String,
    /// Its display name.
    pub display_name: String,
}

impl std::fmt::Debug for DemoAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoAccount").field("email", &self.email).finish_non_exhaustive()
    }
}

impl DemoAccount {
    /// A fresh random password (128 bits, URL-safe), for a demo account whose configuration
    /// names none.
    ///
    /// # Errors
    /// [`DemoError::Random`] when the operating system gives no randomness.
    pub fn random_password() -> Result<String, DemoError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| DemoError::Random(e.to_string()))?;
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// What seeding did.
#[derive(Debug, Clone)]
pub struct DemoSeeded {
    /// The account.
    pub user: User,
    /// It did not exist before.
    pub created: bool,
    /// Its sources, just connected; their first sync is enqueued.
    pub sources: Vec<Source>,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The account could not be created or its password set.
    #[error("demo account: {0}")]
    Account(#[from] AccountError),
    /// A source could not be connected (the sandbox refused or is unreachable).
    #[error("demo source: {0}")]
    Chat(#[from] ChatServiceError),
    /// No randomness for a password.
    #[error("no randomness for the demo password: {0}")]
    Random(String),
}

impl From<StoreError> for DemoError {
    fn from(e: StoreError) -> Self {
        Self::Account(e.into())
    }
}

impl From<switchboard_ports::HashError> for DemoError {
    fn from(e: switchboard_ports::HashError) -> Self {
        Self::Account(e.into())
    }
}

impl From<CryptoError> for DemoError {
    fn from(e: CryptoError) -> Self {
        Self::Account(e.into())
    }
}

/// Seeds the demo account and reports on its first sync.
pub struct DemoService<P: Ports> {
    identity: Identity<P>,
    chat: ChatService<P>,
}

impl<P: Ports> std::fmt::Debug for DemoService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DemoService")
    }
}

impl<P: Ports> DemoService<P> {
    /// The service over the identity adapters and the chat service.
    pub fn new(identity: Identity<P>, chat: ChatService<P>) -> Self {
        Self { identity, chat }
    }

    /// Creates the account (or gives it `account`'s password again and enables it), then
    /// replaces its sources with `sources`, each connected like `POST /api/chat/sources`,
    /// which enqueues its first sync.
    ///
    /// # Errors
    /// [`DemoError`]: a bad email or password, a source refused, or a failure.
    pub async fn seed(
        &self,
        account: &DemoAccount,
        sources: Vec<ConnectSource>,
    ) -> Result<DemoSeeded, DemoError> {
        let (user, created) = self.ensure_user(account).await?;
        for old in self.chat.list_for(user.id).await? {
            match self.chat.delete_for(user.id, old.id).await {
                Ok(()) | Err(ChatServiceError::SourceNotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let mut connected = Vec::with_capacity(sources.len());
        for request in sources {
            connected.push(self.chat.connect_for(user.id, request).await?.source);
        }
        Ok(DemoSeeded { user, created, sources: connected })
    }

    /// The account's sources as they stand, and whether each has finished a sync since it
    /// was connected (or given up: a refused token, an error).
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn progress(&self, user: UserId) -> Result<Vec<(Source, bool)>, DemoError> {
        let sources = self.chat.list_for(user).await?;
        Ok(sources
            .into_iter()
            .map(|s| {
                let done = s.last_sync_at.is_some()
                    || matches!(s.status, SourceStatus::ReauthRequired | SourceStatus::Error);
                (s, done)
            })
            .collect())
    }

    async fn ensure_user(&self, account: &DemoAccount) -> Result<(User, bool), DemoError> {
        let email = EmailAddress::parse(&account.email).map_err(|_| AccountError::InvalidEmail)?;
        let password =
            Password::new(account.password.clone()).map_err(AccountError::InvalidPassword)?;
        let found = self
            .identity
            .uow
            .read(move |tx| {
                Box::pin(async move { Ok::<_, DemoError>(tx.user_by_email(&email).await?) })
            })
            .await?;
        let Some(user) = found else {
            let user = create_user(
                &self.identity,
                &account.email,
                account.password.clone(),
                &account.display_name,
                Role::Member,
                None,
            )
            .await?;
            return Ok((user, true));
        };
        let same =
            self.identity.hasher.verify(password.expose(), Some(&user.password_hash)).await?;
        if matches!(same, Verification::Match { .. }) && !user.disabled {
            return Ok((user, false));
        }
        let hash = self.identity.hasher.hash(&password).await?;
        let now = self.identity.clock.now();
        let user = self
            .identity
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let mut user = tx.user_by_id(user.id).await?.ok_or(AccountError::NotFound)?;
                    user.password_hash = hash;
                    user.disabled = false;
                    tx.update_user(&user).await?;
                    // The old password no longer opens anything: end its sessions.
                    tx.revoke_user_sessions(user.id, None, now).await?;
                    let who = Some(user.id);
                    let null = serde_json::Value::Null;
                    let event = NewEvent::changed(
                        "user",
                        user.id.to_string(),
                        "password",
                        null.clone(),
                        null,
                    )
                    .by(who)
                    .owned_by(who);
                    tx.append_events(vec![event]).await?;
                    Ok::<_, DemoError>(user)
                })
            })
            .await?;
        self.identity.sessions.forget_user(user.id);
        Ok((user, false))
    }
}
