//! Row structs and their conversion to domain types.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use switchboard_domain::UserId;
use switchboard_domain::identity::{
    ApiKey, ApiKeyId, EmailAddress, Scope, Scopes, Session, SessionId, User,
};
use switchboard_ports::StoreError;

use crate::schema::{api_keys, sessions, users};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users)]
pub(super) struct UserRow {
    pub(super) id: uuid::Uuid,
    pub(super) email: String,
    pub(super) display_name: String,
    pub(super) role: String,
    pub(super) disabled: bool,
    pub(super) password_hash: String,
    pub(super) created_at: DateTime<Utc>,
}

impl From<&User> for UserRow {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.as_uuid(),
            email: u.email.as_str().to_owned(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            disabled: u.disabled,
            password_hash: u.password_hash.clone(),
            created_at: u.created_at,
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        let bad = |what: &str| StoreError::Other(format!("user {} has a bad {what}", r.id));
        Ok(User {
            id: UserId::from_uuid(r.id),
            email: EmailAddress::parse(&r.email).map_err(|_| bad("email"))?,
            display_name: r.display_name.clone(),
            role: r.role.parse().map_err(|_| bad("role"))?,
            disabled: r.disabled,
            password_hash: r.password_hash.clone(),
            created_at: r.created_at,
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub(super) struct SessionRow {
    pub(super) id: uuid::Uuid,
    pub(super) user_id: uuid::Uuid,
    pub(super) user_agent: String,
    pub(super) ip: String,
    pub(super) created_at: DateTime<Utc>,
    pub(super) last_used_at: DateTime<Utc>,
    pub(super) expires_at: DateTime<Utc>,
    pub(super) revoked_at: Option<DateTime<Utc>>,
}

impl From<&Session> for SessionRow {
    fn from(s: &Session) -> Self {
        Self {
            id: s.id.as_uuid(),
            user_id: s.user_id.as_uuid(),
            user_agent: s.user_agent.clone(),
            ip: s.ip.clone(),
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            revoked_at: s.revoked_at,
        }
    }
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id: SessionId::from_uuid(r.id),
            user_id: UserId::from_uuid(r.user_id),
            user_agent: r.user_agent,
            ip: r.ip,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub(super) struct ApiKeyRow {
    pub(super) id: uuid::Uuid,
    pub(super) user_id: uuid::Uuid,
    pub(super) name: String,
    pub(super) prefix: String,
    pub(super) secret_hash: Vec<u8>,
    pub(super) scopes: Vec<String>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) last_used_at: Option<DateTime<Utc>>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    pub(super) revoked_at: Option<DateTime<Utc>>,
}

impl From<&ApiKey> for ApiKeyRow {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.as_uuid(),
            user_id: k.user_id.as_uuid(),
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            secret_hash: k.secret_hash.clone(),
            scopes: k.scopes.names(),
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
        }
    }
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;

    fn try_from(r: ApiKeyRow) -> Result<Self, StoreError> {
        let scopes = r
            .scopes
            .iter()
            .map(|s| s.parse::<Scope>())
            .collect::<Result<Scopes, _>>()
            .map_err(|e| StoreError::Other(format!("api key {}: {e}", r.id)))?;
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(r.id),
            user_id: UserId::from_uuid(r.user_id),
            name: r.name,
            prefix: r.prefix,
            secret_hash: r.secret_hash,
            scopes,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        })
    }
}
