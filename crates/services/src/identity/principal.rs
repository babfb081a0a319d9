//! Who is calling, once authenticated.

use switchboard_domain::UserId;
use switchboard_domain::identity::{ApiKeyId, Role, Scope, Scopes, SessionId, User};

/// How the caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An access token of this session.
    Session(SessionId),
    /// This API key.
    ApiKey(ApiKeyId),
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user acted for.
    pub user_id: UserId,
    /// Their role now (read at authentication, so a change applies at once).
    pub role: Role,
    /// What this credential may do: everything for a session, the key's scopes for a key.
    pub scopes: Scopes,
    /// The credential.
    pub kind: PrincipalKind,
    /// The user's account as read when the credential was checked (this request).
    pub user: User,
}

impl Principal {
    /// Whether the credential carries `scope`.
    pub fn has_scope(&self, scope: Scope) -> bool {
        self.scopes.contains(scope)
    }

    /// The session, when authenticated by an access token.
    pub fn session(&self) -> Option<SessionId> {
        match self.kind {
            PrincipalKind::Session(id) => Some(id),
            PrincipalKind::ApiKey(_) => None,
        }
    }
}

/// Where a request comes from, for sessions and throttling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address.
    pub ip: String,
    /// Its `User-Agent`.
    pub user_agent: String,
}
