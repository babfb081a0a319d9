//! Domain values as the contract's messages.

use chrono::{DateTime, SecondsFormat, Utc};
use switchboard_domain::identity::{ApiKey, Session, SessionId, User};
use switchboard_services::TokenPair;

use crate::proto::v1;

/// RFC 3339, seconds, `Z`.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A user.
pub fn user(u: &User) -> v1::User {
    v1::User {
        id: u.id.to_string(),
        email: u.email.to_string(),
        display_name: u.display_name.clone(),
        role: u.role.to_string(),
        disabled: u.disabled,
        created_at: time(u.created_at),
    }
}

/// A token pair.
pub fn tokens(t: TokenPair) -> v1::TokenPair {
    v1::TokenPair {
        access_token: t.access_token,
        token_type: "Bearer".to_owned(),
        expires_in: t.expires_in,
        refresh_token: t.refresh_token,
    }
}

/// A session; `current` when it is the caller's.
pub fn session(s: &Session, current: Option<SessionId>) -> v1::SessionInfo {
    v1::SessionInfo {
        id: s.id.to_string(),
        user_agent: s.user_agent.clone(),
        ip: s.ip.clone(),
        created_at: time(s.created_at),
        last_used_at: time(s.last_used_at),
        current: Some(s.id) == current,
    }
}

/// An API key, without secret.
pub fn api_key(k: &ApiKey) -> v1::ApiKeyInfo {
    v1::ApiKeyInfo {
        id: k.id.to_string(),
        name: k.name.clone(),
        prefix: format!("sbk_{}", k.prefix),
        scopes: k.scopes.names(),
        created_at: time(k.created_at),
        last_used_at: k.last_used_at.map(time).unwrap_or_default(),
        expires_at: k.expires_at.map(time).unwrap_or_default(),
    }
}
