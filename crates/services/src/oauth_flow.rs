//! Provider authorizations in flight (the OAuth 2.0 authorization code grant), for every
//! provider an account is linked to by OAuth (Slack; the mailboxes next): a single-use state
//! bound to the user who started the authorization and to the browser they started it in.
//!
//! Why the browser too: the callback is a top-level navigation coming back from the provider,
//! without Switchboard credentials. Bound to the user alone, the state lets whoever opens the
//! authorization link (sent to them, or read off a shared screen) approve with their own
//! provider account and attach it to the starter's (RFC 9700, 4.7: CSRF at the redirect
//! endpoint). So starting also hands the starting client a random nonce to keep (the HTTP shell
//! puts it in an HttpOnly, SameSite=Lax cookie); only its SHA-256 is stored with the state, and
//! the callback completes only when it presents the nonce, or when it carries the starter's own
//! credentials. A state is taken once whatever the outcome: one opened by the wrong browser is
//! spent, and its starter starts again.

use std::time::Duration;

use chrono::{DateTime, Utc};
use subtle::ConstantTimeEq;
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_ports::{OAuthState, OAuthStateStore, StoreError, UserStore};

use crate::identity::opaque;

/// An authorization just started: what goes to the provider and what stays in the browser.
#[derive(Debug, Clone)]
pub struct StartedAuthorization {
    /// The `state` for the provider's authorization URL (256 bits, base64url).
    pub state: String,
    /// The nonce the starting browser keeps and the callback must present (256 bits).
    pub binding: String,
    /// What to store: the hashes, the starter, the provider, the redirect URI, the expiry.
    pub record: OAuthState,
}

/// Why a callback's state is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown, used already, for another provider, or its starter is gone or disabled.
    Invalid,
    /// Its time ran out.
    Expired,
    /// The callback is authenticated as someone else than the starter.
    OtherUser,
    /// The callback comes from another browser than the one that started it.
    OtherBrowser,
}

/// The random values of an authorization, whatever its provider: the `state`, the browser's
/// nonce, their hashes (what is stored) and the expiry.
#[derive(Debug, Clone)]
pub struct Nonces {
    /// The `state` (256 bits, base64url).
    pub state: String,
    /// SHA-256 of the state.
    pub state_hash: Vec<u8>,
    /// The nonce the starting browser keeps (256 bits, base64url).
    pub binding: String,
    /// SHA-256 of the nonce.
    pub binding_hash: Vec<u8>,
    /// When the authorization stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Fresh nonces for an authorization starting at `now`, valid for `ttl`.
///
/// # Errors
/// The random source failed.
pub fn nonces(now: DateTime<Utc>, ttl: Duration) -> Result<Nonces, String> {
    let (state, state_hash) = opaque::refresh_token()?;
    let (binding, binding_hash) = opaque::refresh_token()?;
    let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
    let expires_at = now.checked_add_signed(ttl).unwrap_or(DateTime::<Utc>::MAX_UTC);
    Ok(Nonces { state, state_hash, binding, binding_hash, expires_at })
}

/// Starts an authorization of `provider` for `user`, valid for `ttl` from `now`.
///
/// # Errors
/// The random source failed.
pub fn start(
    user: UserId,
    provider: ChatProvider,
    redirect_uri: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<StartedAuthorization, String> {
    let Nonces { state, state_hash, binding, binding_hash, expires_at } = nonces(now, ttl)?;
    let record = OAuthState {
        state_hash,
        user_id: user,
        binding_hash,
        provider,
        redirect_uri: redirect_uri.to_owned(),
        created_at: now,
        expires_at,
    };
    Ok(StartedAuthorization { state, binding, record })
}

/// Whether the user who started an authorization may still finish it: they exist and are
/// not disabled.
///
/// # Errors
/// [`StoreError`] from the store.
pub async fn starter_active<T: UserStore>(tx: &mut T, user: UserId) -> Result<bool, StoreError> {
    Ok(tx.user_by_id(user).await?.is_some_and(|u| !u.disabled))
}

/// Takes the authorization `state` names (once, atomically), if its starter still exists
/// and is not disabled.
///
/// # Errors
/// [`StoreError`] from the store.
pub async fn take<T: OAuthStateStore + UserStore>(
    tx: &mut T,
    state: &str,
) -> Result<Option<OAuthState>, StoreError> {
    let state = state.trim();
    if state.is_empty() {
        return Ok(None);
    }
    let Some(taken) = tx.take_oauth_state(&opaque::hash(state)).await? else {
        return Ok(None);
    };
    Ok(starter_active(tx, taken.user_id).await?.then_some(taken))
}

/// Checks a taken authorization against the callback: the provider, the time, who is calling
/// (`caller`, if the callback carries credentials) and the browser's nonce (`binding`).
///
/// # Errors
/// The [`Refusal`].
pub fn check(
    taken: &OAuthState,
    provider: ChatProvider,
    now: DateTime<Utc>,
    caller: Option<UserId>,
    binding: Option<&str>,
) -> Result<(), Refusal> {
    if taken.provider != provider {
        return Err(Refusal::Invalid);
    }
    check_binding(
        &Bound {
            user_id: taken.user_id,
            binding_hash: &taken.binding_hash,
            expires_at: taken.expires_at,
        },
        now,
        caller,
        binding,
    )
}

/// What a stored authorization of any provider binds: its starter, the hash of the starting
/// browser's nonce, and its expiry.
#[derive(Debug, Clone, Copy)]
pub struct Bound<'a> {
    /// Who started it.
    pub user_id: UserId,
    /// SHA-256 of the starting browser's nonce.
    pub binding_hash: &'a [u8],
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Checks a taken authorization's binding against the callback: the time, who is calling
/// (`caller`, if the callback carries credentials) and the browser's nonce (`binding`).
///
/// # Errors
/// [`Refusal::Expired`], [`Refusal::OtherUser`] or [`Refusal::OtherBrowser`].
pub fn check_binding(
    taken: &Bound<'_>,
    now: DateTime<Utc>,
    caller: Option<UserId>,
    binding: Option<&str>,
) -> Result<(), Refusal> {
    if taken.expires_at <= now {
        return Err(Refusal::Expired);
    }
    match caller {
        Some(user) if user != taken.user_id => Err(Refusal::OtherUser),
        Some(_) => Ok(()),
        None => {
            let presented = binding.map(|b| opaque::hash(b.trim())).unwrap_or_default();
            if bool::from(presented.ct_eq(taken.binding_hash)) {
                Ok(())
            } else {
                Err(Refusal::OtherBrowser)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_starting_browser_or_the_starter_completes() {
        let (ada, eve, now) = (UserId::new(), UserId::new(), Utc::now());
        let ttl = Duration::from_secs(600);
        let Ok(started) = start(ada, ChatProvider::Slack, "https://x/cb", now, ttl) else {
            panic!("no randomness");
        };
        let (record, binding) = (&started.record, started.binding.as_str());
        assert_ne!(started.state, started.binding);
        assert_eq!(record.binding_hash, opaque::hash(binding), "only the hash is kept");
        let slack = ChatProvider::Slack;
        assert_eq!(check(record, slack, now, None, Some(binding)), Ok(()));
        assert_eq!(check(record, slack, now, Some(ada), None), Ok(()));
        assert_eq!(check(record, slack, now, None, None), Err(Refusal::OtherBrowser));
        assert_eq!(check(record, slack, now, None, Some("")), Err(Refusal::OtherBrowser));
        let Ok(other) = start(eve, slack, "https://x/cb", now, ttl) else { panic!() };
        assert_eq!(
            check(record, slack, now, None, Some(&other.binding)),
            Err(Refusal::OtherBrowser),
            "another browser's own nonce"
        );
        assert_eq!(check(record, slack, now, Some(eve), Some(binding)), Err(Refusal::OtherUser));
        let late = now + chrono::Duration::seconds(600);
        assert_eq!(check(record, slack, late, None, Some(binding)), Err(Refusal::Expired));
        let mattermost = ChatProvider::Mattermost;
        assert_eq!(check(record, mattermost, now, None, Some(binding)), Err(Refusal::Invalid));
    }
}
