//! Users, their sessions and their API keys.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::UserId;
use crate::identity::{EmailAddress, Role, Scopes};

crate::ids::uuid_id!(
    /// The identifier of a login session (one refresh-token family).
    SessionId
);
crate::ids::uuid_id!(
    /// The identifier of an API key.
    ApiKeyId
);

/// A user account. Its `Debug` form leaves the password hash out, so no log line carries it.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The sign-in address, unique.
    pub email: EmailAddress,
    /// How the user wants to be called.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// A disabled user cannot sign in, and their sessions and keys are revoked.
    pub disabled: bool,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .field("password_hash", &"<redacted>")
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl User {
    /// The account as an event snapshot: no password hash.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "email": self.email.as_str(),
            "display_name": self.display_name,
            "role": self.role,
            "disabled": self.disabled,
        })
    }
}

/// A login session: the family of refresh tokens issued from one login.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Its id.
    pub id: SessionId,
    /// Whose it is.
    pub user_id: UserId,
    /// The client's `User-Agent` at login.
    pub user_agent: String,
    /// The client's address at login.
    pub ip: String,
    /// When the user logged in.
    pub created_at: DateTime<Utc>,
    /// When a refresh token of the family was last used (or the login).
    pub last_used_at: DateTime<Utc>,
    /// The absolute end of the session, whatever its use.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked (logout, reuse, disable, password change).
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Session {
    /// Whether the session may still be used at `now`, given the idle timeout.
    pub fn is_active(&self, now: DateTime<Utc>, idle: Duration) -> bool {
        let idle = chrono::Duration::from_std(idle).unwrap_or(chrono::Duration::MAX);
        self.revoked_at.is_none()
            && now < self.expires_at
            && self.last_used_at.checked_add_signed(idle).is_none_or(|end| now < end)
    }
}

/// An API key of a device or an integration.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// Whose it is: it acts as this user.
    pub user_id: UserId,
    /// A name to recognise it by.
    pub name: String,
    /// The public, recognisable start of the key, unique; used to find it.
    pub prefix: String,
    /// SHA-256 of the secret part (the secret has 256 bits: no slow hash needed).
    pub secret_hash: Vec<u8>,
    /// What it may do.
    pub scopes: Scopes,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last authenticated a request (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Whether the key may be used at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|end| now < end)
    }

    /// The key as an event snapshot: no secret hash.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "scopes": self.scopes.names(),
            "expires_at": self.expires_at,
        })
    }
}
