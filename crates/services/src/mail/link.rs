//! Linking a mailbox with the authorization code grant and PKCE (S256).
//!
//! `start_link` places the address at its provider, stores a single-use `state` bound to the
//! caller and to their browser (see [`crate::oauth_flow`]) with the PKCE verifier sealed
//! beside it, and answers the provider's authorization URL. The callback (`finish_link`) takes
//! the state once and exchanges the code; then it links the mailbox only when it proves to come
//! from the starter (their credentials, or the starting browser's nonce). Otherwise, when the
//! client gave a redirect URI, the grant waits sealed under a one-time code that only the
//! starter's signed-in client can redeem (`complete_link`): whoever opened someone else's
//! authorization link can approve with their own mailbox, but never attach it to that person.
//! Without a redirect URI nothing is linked and nothing kept.

use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::identity::EmailAddress;
use switchboard_domain::mail::{MailAccount, MailAccountStatus, MailIdentity, MailProvider};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::mail::MailSource;
use switchboard_ports::mail_auth::AuthorizationRequest;
use switchboard_ports::{
    Clock, MailAdapters, MailAuth, MailLinkState, MailLinkStore, MailSourceFactory, MailStore,
    PendingMailLink, Ports, ProviderTokens, SealedSecretStore, SecretBox, Transaction, UnitOfWork,
};

use super::accounts::{ACCOUNT_MODEL, set_status, snapshot};
use super::{MailService, MailServiceError, MailSyncJob, detect_provider, pkce};
use crate::identity::{Principal, opaque};
use crate::jobs::new_job;
use crate::oauth_flow::{self, Bound, Refusal};

/// What the caller sends to start linking a mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkStart {
    /// The mailbox's address (the provider's `login_hint`).
    pub email: String,
    /// The provider, when the user says; else it is told from the address.
    pub provider: Option<MailProvider>,
    /// The client's own page to come back to (on the allowlist), if any.
    pub redirect_uri: Option<String>,
}

/// A started link: where to send the browser, and what the browser keeps. `Debug` hides the
/// nonce.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkStarted {
    /// The provider the address belongs to.
    pub provider: MailProvider,
    /// The provider's authorization URL (state, PKCE challenge, login hint, scopes).
    pub authorization_url: String,
    /// When the authorization stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// The nonce the starting browser keeps (a cookie) and presents at the callback.
    pub binding: String,
    /// How long the browser should keep the nonce: as long as the state lives.
    pub binding_lifetime: Duration,
    /// Whether the callback is served over HTTPS (so the cookie may be `Secure`).
    pub callback_is_https: bool,
}

impl std::fmt::Debug for LinkStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkStarted")
            .field("provider", &self.provider)
            .field("authorization_url", &self.authorization_url)
            .field("expires_at", &self.expires_at)
            .field("binding_lifetime", &self.binding_lifetime)
            .field("callback_is_https", &self.callback_is_https)
            .finish_non_exhaustive()
    }
}

/// What the provider sent the browser back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkCallback {
    /// The user approved: the code to exchange.
    Code(String),
    /// The user or the provider refused.
    Denied {
        /// The `error` parameter (`access_denied`).
        error: String,
        /// The `error_description` parameter, if any.
        description: Option<String>,
    },
}

/// A mailbox just linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    /// The account, status `syncing`: its first sync is enqueued.
    pub account: MailAccount,
    /// Whether the account is new (not a mailbox linked before, linked again).
    pub created: bool,
}

/// How a callback ended. `Debug` hides the one-time code.
#[derive(Clone, PartialEq, Eq)]
pub enum LinkFinished {
    /// The callback came from the starter: the mailbox is linked.
    Linked {
        /// The account, status `syncing`.
        account: MailAccount,
        /// Whether it is new.
        created: bool,
        /// The client's page to send the browser back to, if it gave one.
        return_to: Option<String>,
    },
    /// The callback could not prove it came from the starter: the grant waits for the
    /// starter's client to present `code` (`complete_link`). Send the browser to
    /// `return_to?code=…`.
    Pending {
        /// The one-time code.
        code: String,
        /// The client's page.
        return_to: String,
    },
}

impl std::fmt::Debug for LinkFinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Linked { account, created, return_to } => f
                .debug_struct("Linked")
                .field("account", account)
                .field("created", created)
                .field("return_to", return_to)
                .finish(),
            Self::Pending { return_to, .. } => {
                f.debug_struct("Pending").field("return_to", return_to).finish_non_exhaustive()
            }
        }
    }
}

/// The grant and mailbox a pending link keeps, sealed.
#[derive(serde::Serialize, serde::Deserialize)]
struct PendingGrant {
    tokens: ProviderTokens,
    identity: MailIdentity,
}

impl<P: Ports> MailService<P> {
    /// Starts linking a mailbox for the caller.
    ///
    /// # Errors
    /// [`MailServiceError::Invalid`] for an address that is not one,
    /// [`MailServiceError::Detect`], [`MailServiceError::ProviderNotConfigured`],
    /// [`MailServiceError::RedirectNotAllowed`], or a failure.
    pub async fn start_link(
        &self,
        caller: &Principal,
        request: LinkStart,
    ) -> Result<LinkStarted, MailServiceError> {
        let email = EmailAddress::parse(request.email.trim()).map_err(|_| {
            MailServiceError::Invalid { field: "email", message: "not an email address".into() }
        })?;
        let provider = detect_provider(self.mail.mx(), &email, request.provider).await?;
        if !self.mail.auth().supports(provider) {
            return Err(MailServiceError::ProviderNotConfigured(provider));
        }
        let return_to = request.redirect_uri.filter(|uri| !uri.is_empty());
        if return_to.as_ref().is_some_and(|uri| !self.policy.allowed_redirect_uris.contains(uri)) {
            return Err(MailServiceError::RedirectNotAllowed);
        }
        let now = self.clock.now();
        let nonces =
            oauth_flow::nonces(now, self.policy.state_ttl).map_err(MailServiceError::Random)?;
        let (verifier, challenge) = pkce::pair().map_err(MailServiceError::Random)?;
        let scopes = self.mail.auth().scopes(provider, self.policy.write_back, self.policy.send);
        let authorization_url = self.mail.auth().authorization_url(
            provider,
            &AuthorizationRequest {
                state: &nonces.state,
                code_challenge: &challenge,
                login_hint: email.as_str(),
                redirect_uri: &self.policy.callback_uri,
                scopes: &scopes,
            },
        )?;
        let record = MailLinkState {
            sealed_verifier: self.secrets.seal(verifier.as_bytes(), &nonces.state_hash)?,
            key_id: self.secrets.current_key_id().to_owned(),
            state_hash: nonces.state_hash,
            user_id: caller.user_id,
            binding_hash: nonces.binding_hash,
            provider,
            login_hint: email.as_str().to_owned(),
            return_to,
            created_at: now,
            expires_at: nonces.expires_at,
        };
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.insert_mail_link_state(&record, now).await?;
                    Ok::<_, MailServiceError>(())
                })
            })
            .await?;
        Ok(LinkStarted {
            provider,
            authorization_url,
            expires_at: nonces.expires_at,
            binding: nonces.binding,
            binding_lifetime: self.policy.state_ttl,
            callback_is_https: self.policy.callback_uri.starts_with("https://"),
        })
    }

    /// Finishes an authorization at the callback: takes its state (once), checks it against
    /// who calls (`caller`, when the callback carries credentials: another user is refused)
    /// and the browser's nonce (`binding`), exchanges the code with the PKCE verifier, reads
    /// whose mailbox it is, then links it or keeps it for the starter (see the module).
    ///
    /// # Errors
    /// [`MailServiceError::StateInvalid`], [`MailServiceError::StateExpired`],
    /// [`MailServiceError::StateMismatch`], [`MailServiceError::OtherBrowser`],
    /// [`MailServiceError::Denied`], [`MailServiceError::GrantRefused`], the provider's or the
    /// store's failure.
    pub async fn finish_link(
        &self,
        state: &str,
        callback: LinkCallback,
        caller: Option<UserId>,
        binding: Option<&str>,
    ) -> Result<LinkFinished, MailServiceError> {
        let state = state.trim().to_owned();
        let taken = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    if state.is_empty() {
                        return Ok(None);
                    }
                    let Some(taken) = tx.take_mail_link_state(&opaque::hash(&state)).await? else {
                        return Ok(None);
                    };
                    let active = oauth_flow::starter_active(tx, taken.user_id).await?;
                    Ok::<_, MailServiceError>(active.then_some(taken))
                })
            })
            .await?
            .ok_or(MailServiceError::StateInvalid)?;
        let bound = Bound {
            user_id: taken.user_id,
            binding_hash: &taken.binding_hash,
            expires_at: taken.expires_at,
        };
        let proven = match oauth_flow::check_binding(&bound, self.clock.now(), caller, binding) {
            Ok(()) => true,
            Err(Refusal::OtherBrowser) if taken.return_to.is_some() => false,
            Err(Refusal::OtherBrowser) => return Err(MailServiceError::OtherBrowser),
            Err(Refusal::Expired) => return Err(MailServiceError::StateExpired),
            Err(Refusal::OtherUser) => return Err(MailServiceError::StateMismatch),
            Err(Refusal::Invalid) => return Err(MailServiceError::StateInvalid),
        };
        let code = match callback {
            LinkCallback::Code(code) if !code.trim().is_empty() => code,
            LinkCallback::Code(_) => {
                return Err(MailServiceError::GrantRefused("no code".to_owned()));
            }
            LinkCallback::Denied { error, description } => {
                let shown = description.map_or_else(|| error.clone(), |d| format!("{error}: {d}"));
                return Err(MailServiceError::Denied(shown));
            }
        };
        let verifier = self.secrets.open(&taken.sealed_verifier, &taken.state_hash)?;
        let verifier = String::from_utf8(verifier).map_err(|_| MailServiceError::StateInvalid)?;
        let (provider, callback_uri) = (taken.provider, &self.policy.callback_uri);
        let tokens =
            self.mail.auth().exchange_code(provider, code.trim(), &verifier, callback_uri).await?;
        let identity = self.identity_of(provider, &tokens).await?;
        if proven {
            let linked = self.link_mailbox(taken.user_id, tokens, identity).await?;
            return Ok(LinkFinished::Linked {
                account: linked.account,
                created: linked.created,
                return_to: taken.return_to,
            });
        }
        let return_to = taken.return_to.unwrap_or_default();
        let (code, code_hash) = opaque::refresh_token().map_err(MailServiceError::Random)?;
        let now = self.clock.now();
        let ttl =
            chrono::Duration::from_std(self.policy.link_code_ttl).unwrap_or(chrono::Duration::MAX);
        let grant = serde_json::to_vec(&PendingGrant { tokens, identity })?;
        let pending = PendingMailLink {
            sealed: self.secrets.seal(&grant, &code_hash)?,
            key_id: self.secrets.current_key_id().to_owned(),
            code_hash,
            user_id: taken.user_id,
            provider,
            created_at: now,
            expires_at: now.checked_add_signed(ttl).unwrap_or(DateTime::<Utc>::MAX_UTC),
        };
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.insert_pending_mail_link(&pending, now).await?;
                    Ok::<_, MailServiceError>(())
                })
            })
            .await?;
        Ok(LinkFinished::Pending { code, return_to })
    }

    /// Completes a link the callback left pending, with its one-time code: only the user who
    /// started the authorization may. The code is spent whoever presents it.
    ///
    /// # Errors
    /// [`MailServiceError::LinkCodeInvalid`] (unknown, used, expired, or another user's), or
    /// a failure.
    pub async fn complete_link(
        &self,
        caller: &Principal,
        code: &str,
    ) -> Result<Linked, MailServiceError> {
        let code_hash = opaque::hash(code.trim());
        let taken = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    Ok::<_, MailServiceError>(tx.take_pending_mail_link(&code_hash).await?)
                })
            })
            .await?;
        let pending = taken
            .filter(|p| p.user_id == caller.user_id && p.expires_at > self.clock.now())
            .ok_or(MailServiceError::LinkCodeInvalid)?;
        let grant = self.secrets.open(&pending.sealed, &pending.code_hash)?;
        let grant: PendingGrant =
            serde_json::from_slice(&grant).map_err(|_| MailServiceError::LinkCodeInvalid)?;
        self.link_mailbox(pending.user_id, grant.tokens, grant.identity).await
    }

    /// Whose mailbox `tokens` open (`/me`).
    pub(super) async fn identity_of(
        &self,
        provider: MailProvider,
        tokens: &ProviderTokens,
    ) -> Result<MailIdentity, MailServiceError> {
        // Not an account yet: a key of its own for the provider's limit of calls in flight.
        let key = format!("linking:{}", uuid::Uuid::now_v7());
        let source = self.mail.sources().source(provider, &key, &tokens.access_token)?;
        Ok(source.identity().await?)
    }

    /// Links `identity`'s mailbox to `owner` with `tokens`: saves the account (a mailbox
    /// linked before is updated, `syncing` again, whatever its status was), seals and stores
    /// the tokens, records the account's event and enqueues its sync, in one transaction.
    ///
    /// # Errors
    /// A failure of the store or of the secret box.
    pub(super) async fn link_mailbox(
        &self,
        owner: UserId,
        tokens: ProviderTokens,
        identity: MailIdentity,
    ) -> Result<Linked, MailServiceError> {
        let now = self.clock.now();
        let secrets = self.secrets.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let known = tx.mail_accounts_of(owner).await?.into_iter().find(|a| {
                        a.provider == identity.provider
                            && a.provider_account_id == identity.account_id
                    });
                    let created = known.is_none();
                    let mut account = known.unwrap_or_else(|| MailAccount {
                        id: switchboard_domain::mail::MailAccountId::new(),
                        user_id: owner,
                        provider: identity.provider,
                        provider_account_id: identity.account_id.clone(),
                        address: identity.address.clone(),
                        display_name: String::new(),
                        status: MailAccountStatus::Syncing,
                        progress: switchboard_domain::mail::SyncProgress::default(),
                        last_sync_at: None,
                        last_error: None,
                        created_at: now,
                    });
                    account.address = identity.address;
                    account.display_name = identity.display_name.unwrap_or_default();
                    if created {
                        account.id = tx.save_mail_account(&account).await?;
                        let event = NewEvent::added(
                            ACCOUNT_MODEL,
                            account.id.to_string(),
                            snapshot(&account),
                        );
                        tx.append_events(vec![event.by(Some(owner)).owned_by(Some(owner))]).await?;
                    } else {
                        set_status(tx, &mut account, MailAccountStatus::Syncing, None).await?;
                    }
                    tx.put_sealed(&Self::seal_tokens(&secrets, &account, &tokens)?).await?;
                    tx.enqueue(new_job(&MailSyncJob::<P>::new(account.id))?).await?;
                    Ok(Linked { account, created })
                })
            })
            .await
    }
}
