//! An account's provider tokens: sealed by the secret box (associated data: the account id)
//! in the sealed secret whose id is the account's, opened when a source is built, refreshed
//! before they expire.
//!
//! Refreshing is single-flight. In this process a lock per account ([`RefreshLocks`]) makes
//! concurrent callers wait for the one refresh in flight; across processes the refresh runs in
//! a transaction that first locks the account's row, then reads the tokens again: when another
//! process refreshed them meanwhile, they are used as they are. The refresh answer, with its
//! rotated refresh token, is sealed and stored in that same transaction, so a rotated token is
//! never lost. A dead grant (`invalid_grant`, or a refresh that needs the user to interact)
//! marks the account `reauth_required` with an event
//! in that transaction too, and nothing calls the provider for it again until it is linked
//! again.
//!
//! [`RefreshLocks`]: super::refresh_locks::RefreshLocks

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use switchboard_domain::mail::{MailAccount, MailAccountId, MailAccountStatus};
use switchboard_ports::{
    Clock, MailAdapters, MailAuth, MailAuthError, MailSourceFactory, MailStore, Ports,
    ProviderTokens, SealedSecret, SealedSecretStore, SecretBox, StoreError, UnitOfWork,
};

use switchboard_ports::mail::{MailError, MailSource};

use super::accounts::set_status;
use super::{MailService, MailServiceError};

/// The sealed secret's purpose for mail tokens.
const TOKEN_PURPOSE: &str = "mail_tokens";

/// The provider client type of `P`.
pub(super) type SourceOf<P> =
    <<<P as Ports>::Mail as MailAdapters>::Sources as MailSourceFactory>::Source;

/// A linked mailbox reached through its provider: the account, and the source built from its
/// current access token, replaced when a call finds that token refused.
pub(super) struct Mailbox<S> {
    /// The account.
    pub(super) account: MailAccount,
    current: Mutex<(Arc<S>, ProviderTokens)>,
}

impl<S> Mailbox<S> {
    fn current(&self) -> (Arc<S>, ProviderTokens) {
        let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        (current.0.clone(), current.1.clone())
    }

    /// The tokens in use (their scopes say what the mailbox may do).
    pub(super) fn tokens(&self) -> ProviderTokens {
        self.current().1
    }

    /// How the provider scopes its change cursors.
    pub(super) fn scope(&self) -> switchboard_ports::mail::SyncScope
    where
        S: MailSource,
    {
        self.current().0.sync_scope()
    }

    fn replace(&self, source: S, tokens: ProviderTokens) -> Arc<S> {
        let source = Arc::new(source);
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        *current = (source.clone(), tokens);
        source
    }
}

/// What the refresh's transaction found.
enum Refreshed {
    /// Tokens to use.
    Tokens(ProviderTokens),
    /// The grant is dead; the account is now `reauth_required`.
    Dead(String),
}

impl<P: Ports> MailService<P> {
    /// The sealed secret holding `tokens` for `account`.
    ///
    /// # Errors
    /// [`MailServiceError::Crypto`] when sealing fails.
    pub(super) fn seal_tokens(
        secrets: &P::Secrets,
        account: &MailAccount,
        tokens: &ProviderTokens,
    ) -> Result<SealedSecret, MailServiceError> {
        let id = account.id.as_uuid();
        let plaintext = serde_json::to_vec(tokens)?;
        Ok(SealedSecret {
            id,
            owner_id: Some(account.user_id),
            purpose: TOKEN_PURPOSE.to_owned(),
            key_id: secrets.current_key_id().to_owned(),
            ciphertext: secrets.seal(&plaintext, id.as_bytes())?,
        })
    }

    /// Opens a sealed token bundle.
    fn open_tokens(
        secrets: &P::Secrets,
        sealed: &SealedSecret,
    ) -> Result<ProviderTokens, MailServiceError> {
        let plaintext = secrets.open(&sealed.ciphertext, sealed.id.as_bytes())?;
        serde_json::from_slice(&plaintext).map_err(|_| {
            StoreError::Other(format!("mail tokens {} are not a token bundle", sealed.id)).into()
        })
    }

    /// The stored tokens of an account, opened.
    ///
    /// # Errors
    /// [`MailServiceError::ReauthRequired`] when it has none; a failure.
    pub(super) async fn stored_tokens(
        &self,
        id: MailAccountId,
    ) -> Result<ProviderTokens, MailServiceError> {
        let sealed = self
            .uow
            .read(move |tx| {
                Box::pin(async move { Ok::<_, MailServiceError>(tx.sealed(id.as_uuid()).await?) })
            })
            .await?;
        let sealed = sealed.ok_or_else(|| no_tokens(id))?;
        Self::open_tokens(&self.secrets, &sealed)
    }

    /// Whether `tokens` stay valid past the refresh margin.
    fn fresh(&self, tokens: &ProviderTokens, now: DateTime<Utc>) -> bool {
        let margin =
            chrono::Duration::from_std(self.policy.refresh_margin).unwrap_or(chrono::Duration::MAX);
        now.checked_add_signed(margin).is_some_and(|limit| tokens.expires_at > limit)
    }

    /// A client of `account`'s mailbox, its access token refreshed first when it expires
    /// within the refresh margin.
    ///
    /// # Errors
    /// [`MailServiceError::ReauthRequired`] when the account must be linked again (its grant
    /// died now or before); the provider's or the store's failure.
    pub async fn source_for(&self, account: &MailAccount) -> Result<SourceOf<P>, MailServiceError> {
        let tokens = self.fresh_tokens(account, None).await?;
        self.build(account, &tokens)
    }

    fn build(
        &self,
        account: &MailAccount,
        tokens: &ProviderTokens,
    ) -> Result<SourceOf<P>, MailServiceError> {
        let (provider, mailbox) = (account.provider, account.id.to_string());
        Ok(self.mail.sources().source(provider, &mailbox, &tokens.access_token)?)
    }

    /// `account`'s mailbox, ready for [`MailService::call`].
    ///
    /// # Errors
    /// As [`MailService::source_for`].
    pub(super) async fn mailbox(
        &self,
        account: MailAccount,
    ) -> Result<Mailbox<SourceOf<P>>, MailServiceError> {
        let tokens = self.fresh_tokens(&account, None).await?;
        let source = Arc::new(self.build(&account, &tokens)?);
        Ok(Mailbox { account, current: Mutex::new((source, tokens)) })
    }

    /// Runs `call` against the mailbox; when the provider refuses the access token, refreshes
    /// it (once, whoever else is refreshing) and runs `call` once more.
    ///
    /// # Errors
    /// The provider's answer, or the refresh's failure.
    pub(super) async fn call<T, F, Fut>(
        &self,
        mailbox: &Mailbox<SourceOf<P>>,
        call: F,
    ) -> Result<T, MailServiceError>
    where
        F: Fn(Arc<SourceOf<P>>) -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, MailError>> + Send,
    {
        let (source, tokens) = mailbox.current();
        match call(source).await {
            Err(MailError::Unauthorized { .. }) => {
                let failed = tokens.access_token;
                let tokens = self.fresh_tokens(&mailbox.account, Some(&failed)).await?;
                let source = mailbox.replace(self.build(&mailbox.account, &tokens)?, tokens);
                Ok(call(source).await?)
            }
            answer => Ok(answer?),
        }
    }

    /// The account's tokens, refreshed when they expire within the margin, or when `refused`
    /// is the access token the provider just refused (and nobody has replaced it yet).
    async fn fresh_tokens(
        &self,
        account: &MailAccount,
        refused: Option<&str>,
    ) -> Result<ProviderTokens, MailServiceError> {
        if !account.status.can_sync() {
            return Err(reauth(account));
        }
        let usable = |tokens: &ProviderTokens, now| {
            self.fresh(tokens, now) && refused.is_none_or(|r| r != tokens.access_token)
        };
        let tokens = self.stored_tokens(account.id).await?;
        if usable(&tokens, self.clock.now()) {
            return Ok(tokens);
        }
        let lock = self.refreshing.of(account.id);
        let _refreshing = lock.lock().await;
        let (id, refused) = (account.id, refused.map(str::to_owned));
        let (mail, secrets, clock) = (self.mail.clone(), self.secrets.clone(), self.clock.clone());
        let margin =
            chrono::Duration::from_std(self.policy.refresh_margin).unwrap_or(chrono::Duration::MAX);
        let refreshed = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let mut locked = tx.lock_mail_account(id).await?;
                    let locked = locked.as_mut().ok_or(MailServiceError::AccountNotFound)?;
                    if !locked.status.can_sync() {
                        return Err(reauth(locked));
                    }
                    let sealed = tx.sealed(id.as_uuid()).await?.ok_or_else(|| no_tokens(id))?;
                    let current = Self::open_tokens(&secrets, &sealed)?;
                    // Refreshed meanwhile by another caller or process: use theirs.
                    let still_fresh = clock
                        .now()
                        .checked_add_signed(margin)
                        .is_some_and(|limit| current.expires_at > limit);
                    if still_fresh && refused.as_deref().is_none_or(|r| r != current.access_token) {
                        return Ok(Refreshed::Tokens(current));
                    }
                    let Some(refresh_token) = current.refresh_token.clone() else {
                        let reason = "the provider granted no refresh token".to_owned();
                        let error = Some(reason.clone());
                        set_status(tx, locked, MailAccountStatus::ReauthRequired, error).await?;
                        return Ok(Refreshed::Dead(reason));
                    };
                    match mail.auth().refresh(locked.provider, &refresh_token).await {
                        Ok(mut renewed) => {
                            // No refresh token in the answer: the old one stays valid.
                            renewed.refresh_token.get_or_insert(refresh_token);
                            if renewed.scopes.is_empty() {
                                renewed.scopes = current.scopes;
                            }
                            tx.put_sealed(&Self::seal_tokens(&secrets, locked, &renewed)?).await?;
                            Ok(Refreshed::Tokens(renewed))
                        }
                        // A refresh has no user to interact with: a grant that needs one
                        // (multi-factor, new consent) is as dead here as a revoked one.
                        Err(
                            dead @ (MailAuthError::InvalidGrant { .. }
                            | MailAuthError::InteractionRequired { .. }),
                        ) => {
                            let reason = dead.to_string();
                            let error = Some(reason.clone());
                            set_status(tx, locked, MailAccountStatus::ReauthRequired, error)
                                .await?;
                            Ok(Refreshed::Dead(reason))
                        }
                        Err(other) => Err(other.into()),
                    }
                })
            })
            .await?;
        match refreshed {
            Refreshed::Tokens(tokens) => Ok(tokens),
            Refreshed::Dead(reason) => {
                tracing::info!(account = %account.id, "mail grant refused: reauth required");
                Err(MailServiceError::ReauthRequired(reason))
            }
        }
    }

    /// Marks an account `reauth_required` (a scope it lacks, a grant the provider refused)
    /// and answers the error that says so.
    pub(super) async fn require_reauth(
        &self,
        id: MailAccountId,
        reason: String,
    ) -> MailServiceError {
        let error = Some(reason.clone());
        let marked = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    if let Some(mut account) = tx.mail_account_by_id(id).await? {
                        set_status(tx, &mut account, MailAccountStatus::ReauthRequired, error)
                            .await?;
                    }
                    Ok::<_, MailServiceError>(())
                })
            })
            .await;
        match marked {
            Ok(()) => MailServiceError::ReauthRequired(reason),
            Err(e) => e,
        }
    }
}

fn no_tokens(id: MailAccountId) -> MailServiceError {
    StoreError::Other(format!("mail account {id} has no tokens")).into()
}

fn reauth(account: &MailAccount) -> MailServiceError {
    let reason = account.last_error.clone();
    MailServiceError::ReauthRequired(
        reason.unwrap_or_else(|| "the grant is no longer valid".into()),
    )
}
