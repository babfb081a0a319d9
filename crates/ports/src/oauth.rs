//! OAuth authorizations in flight: the `state` a provider sends back to the callback, bound
//! to the user who started the flow and to the browser they started it in. The callback
//! arrives from a browser without Switchboard credentials, so the state says whose account the
//! provider's grant joins, and the browser binding (a nonce the starting browser keeps, see
//! `binding_hash`) makes sure the browser coming back is that user's: whoever else opens the
//! authorization link cannot attach their own account at the provider to the starter's. Only
//! SHA-256 hashes of the state and the nonce are stored; each state is taken once, atomically,
//! and expires.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;

use crate::StoreError;

/// A started authorization, waiting for its callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState {
    /// SHA-256 of the state sent to the provider (the state itself is never stored).
    pub state_hash: Vec<u8>,
    /// Who started it: the account the grant will be attached to.
    pub user_id: UserId,
    /// SHA-256 of the nonce given to the browser that started it (in a cookie): the callback
    /// must present the nonce, or come authenticated as `user_id`.
    pub binding_hash: Vec<u8>,
    /// The provider asked.
    pub provider: ChatProvider,
    /// The redirect URI sent with it, which the code exchange must repeat.
    pub redirect_uri: String,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// What the provider granted for an authorization code.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthGrant {
    /// The token to read with (Slack: the user token, `authed_user.access_token`).
    pub access_token: String,
    /// The provider's id of the user who authorized.
    pub user_id: String,
    /// The scopes granted to that token.
    pub scopes: String,
    /// The workspace's id.
    pub team_id: String,
    /// The workspace's name.
    pub team_name: String,
}

impl std::fmt::Debug for OAuthGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthGrant")
            .field("user_id", &self.user_id)
            .field("scopes", &self.scopes)
            .field("team_id", &self.team_id)
            .finish_non_exhaustive()
    }
}

/// Authorizations in flight, implemented by each adapter's transaction type.
pub trait OAuthStateStore: Send {
    /// Stores a started authorization, and forgets every one that expired before `now`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] for a state hash already stored.
    fn insert_oauth_state(
        &mut self,
        state: &OAuthState,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the authorization with this state hash and returns it, expired or not, in one
    /// atomic step: of two callbacks presenting the same state, at most one gets it.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn take_oauth_state(
        &mut self,
        state_hash: &[u8],
    ) -> impl Future<Output = Result<Option<OAuthState>, StoreError>> + Send;
}
