//! [`MemoryTx`] as every identity store.

use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{
    ApiKey, ApiKeyId, EmailAddress, Role, Session, SessionId, User,
};
use switchboard_ports::{
    ApiKeyStore, RefreshTokenState, Rotation, SealedSecret, SealedSecretStore, SessionStore,
    StoreError, ThrottleStore, ThrottleWindow, UserPage, UserQuery, UserStore,
};

use super::StoredRefreshToken;
use crate::MemoryTx;

impl UserStore for MemoryTx {
    async fn insert_user(&mut self, user: &User) -> Result<(), StoreError> {
        let id = &mut self.state.identity;
        if id.users.values().any(|u| u.email == user.email) {
            return Err(StoreError::Conflict("users_email_key".into()));
        }
        id.users.insert(user.id, user.clone());
        Ok(())
    }

    async fn user_by_id(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        Ok(self.state.identity.users.get(&id).cloned())
    }

    async fn user_by_email(&mut self, email: &EmailAddress) -> Result<Option<User>, StoreError> {
        Ok(self.state.identity.users.values().find(|u| &u.email == email).cloned())
    }

    async fn update_user(&mut self, user: &User) -> Result<(), StoreError> {
        let stored = self.state.identity.users.get_mut(&user.id).ok_or(StoreError::NotFound)?;
        *stored = user.clone();
        Ok(())
    }

    async fn list_users(&mut self, query: &UserQuery) -> Result<UserPage, StoreError> {
        let needle = query.email_contains.as_deref().map(str::to_lowercase);
        let mut matching: Vec<&User> = self
            .state
            .identity
            .users
            .values()
            .filter(|u| needle.as_deref().is_none_or(|n| u.email.as_str().contains(n)))
            .collect();
        matching.sort_by_key(|u| (u.created_at, u.id));
        let total = matching.len() as u64;
        let users = matching
            .into_iter()
            .skip(usize::try_from(query.offset).unwrap_or(usize::MAX))
            .take(query.limit as usize)
            .cloned()
            .collect();
        Ok(UserPage { users, total })
    }

    async fn count_active_superadmins(&mut self) -> Result<u64, StoreError> {
        let users = self.state.identity.users.values();
        Ok(users.filter(|u| u.role == Role::Superadmin && !u.disabled).count() as u64)
    }
}

impl SessionStore for MemoryTx {
    async fn insert_session(&mut self, session: &Session, hash: &[u8]) -> Result<(), StoreError> {
        let id = &mut self.state.identity;
        id.sessions.insert(session.id, session.clone());
        let token = StoredRefreshToken { session: session.id, state: RefreshTokenState::Unused };
        id.refresh_tokens.insert(hash.to_vec(), token);
        Ok(())
    }

    async fn session_by_refresh(
        &mut self,
        hash: &[u8],
    ) -> Result<Option<(Session, RefreshTokenState)>, StoreError> {
        // Transactions run one at a time, so this read is as good as PostgreSQL's row lock.
        let id = &self.state.identity;
        let Some(token) = id.refresh_tokens.get(hash) else { return Ok(None) };
        let Some(session) = id.sessions.get(&token.session) else { return Ok(None) };
        let mut state = token.state.clone();
        if let RefreshTokenState::Used(Some(rotation)) = &mut state {
            rotation.successor_used = id
                .refresh_tokens
                .get(&rotation.successor_hash)
                .is_some_and(|s| s.state != RefreshTokenState::Unused);
        }
        Ok(Some((session.clone(), state)))
    }

    async fn rotate_refresh(
        &mut self,
        session: SessionId,
        old_hash: &[u8],
        rotation: &Rotation,
    ) -> Result<(), StoreError> {
        let id = &mut self.state.identity;
        if let Some(entry) = id.refresh_tokens.get_mut(old_hash) {
            entry.state = RefreshTokenState::Used(Some(Rotation {
                successor_used: false,
                ..rotation.clone()
            }));
        }
        let successor = StoredRefreshToken { session, state: RefreshTokenState::Unused };
        id.refresh_tokens.insert(rotation.successor_hash.clone(), successor);
        if let Some(s) = id.sessions.get_mut(&session) {
            s.last_used_at = rotation.at;
        }
        Ok(())
    }

    async fn session_of(
        &mut self,
        user: UserId,
        id: SessionId,
    ) -> Result<Option<Session>, StoreError> {
        Ok(self.state.identity.sessions.get(&id).filter(|s| s.user_id == user).cloned())
    }

    async fn session_with_user(
        &mut self,
        id: SessionId,
    ) -> Result<Option<(Session, User)>, StoreError> {
        let state = &self.state.identity;
        Ok(state
            .sessions
            .get(&id)
            .and_then(|s| state.users.get(&s.user_id).map(|u| (s.clone(), u.clone()))))
    }

    async fn list_sessions(&mut self, user: UserId) -> Result<Vec<Session>, StoreError> {
        let mut list: Vec<Session> = self
            .state
            .identity
            .sessions
            .values()
            .filter(|s| s.user_id == user && s.revoked_at.is_none())
            .cloned()
            .collect();
        list.sort_by_key(|s| std::cmp::Reverse((s.created_at, s.id)));
        Ok(list)
    }

    async fn revoke_session(
        &mut self,
        user: UserId,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        match self.state.identity.sessions.get_mut(&id) {
            Some(s) if s.user_id == user && s.revoked_at.is_none() => {
                s.revoked_at = Some(now);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn revoke_user_sessions(
        &mut self,
        user: UserId,
        except: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut count = 0;
        for s in self.state.identity.sessions.values_mut() {
            if s.user_id == user && s.revoked_at.is_none() && Some(s.id) != except {
                s.revoked_at = Some(now);
                count += 1;
            }
        }
        Ok(count)
    }
}

impl ApiKeyStore for MemoryTx {
    async fn insert_api_key(&mut self, key: &ApiKey) -> Result<(), StoreError> {
        let keys = &mut self.state.identity.api_keys;
        if keys.values().any(|k| k.prefix == key.prefix) {
            return Err(StoreError::Conflict("api_keys_prefix_key".into()));
        }
        keys.insert(key.id, key.clone());
        Ok(())
    }

    async fn api_key_by_prefix(
        &mut self,
        prefix: &str,
    ) -> Result<Option<(ApiKey, User)>, StoreError> {
        let id = &self.state.identity;
        Ok(id
            .api_keys
            .values()
            .find(|k| k.prefix == prefix)
            .and_then(|k| id.users.get(&k.user_id).map(|u| (k.clone(), u.clone()))))
    }

    async fn list_api_keys(&mut self, user: UserId) -> Result<Vec<ApiKey>, StoreError> {
        let keys = self.state.identity.api_keys.values();
        let mut list: Vec<ApiKey> =
            keys.filter(|k| k.user_id == user && k.revoked_at.is_none()).cloned().collect();
        list.reverse();
        Ok(list)
    }

    async fn revoke_api_key(
        &mut self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiKey>, StoreError> {
        match self.state.identity.api_keys.get_mut(&id) {
            Some(k) if k.user_id == user && k.revoked_at.is_none() => {
                k.revoked_at = Some(now);
                Ok(Some(k.clone()))
            }
            _ => Ok(None),
        }
    }

    async fn revoke_user_api_keys(
        &mut self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let mut revoked = Vec::new();
        for k in self.state.identity.api_keys.values_mut() {
            if k.user_id == user && k.revoked_at.is_none() {
                k.revoked_at = Some(now);
                revoked.push(k.clone());
            }
        }
        Ok(revoked)
    }

    async fn touch_api_key(&mut self, id: ApiKeyId, now: DateTime<Utc>) -> Result<(), StoreError> {
        // As the port says: at most once a minute, like the PostgreSQL store.
        let a_minute_ago = now - chrono::TimeDelta::minutes(1);
        if let Some(k) = self.state.identity.api_keys.get_mut(&id)
            && k.last_used_at.is_none_or(|used| used < a_minute_ago)
        {
            k.last_used_at = Some(now);
        }
        Ok(())
    }
}

impl ThrottleStore for MemoryTx {
    async fn throttle_hit(
        &mut self,
        bucket: &str,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<ThrottleWindow, StoreError> {
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
        let entry = self
            .state
            .identity
            .throttles
            .entry(bucket.to_owned())
            .or_insert(ThrottleWindow { hits: 0, resets_at: now });
        if entry.resets_at <= now {
            *entry = ThrottleWindow {
                hits: 0,
                resets_at: now.checked_add_signed(window).unwrap_or(DateTime::<Utc>::MAX_UTC),
            };
        }
        entry.hits = entry.hits.saturating_add(1);
        Ok(*entry)
    }

    async fn throttle_peek(
        &mut self,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ThrottleWindow>, StoreError> {
        Ok(self.state.identity.throttles.get(bucket).filter(|w| w.resets_at > now).copied())
    }

    async fn throttle_clear(&mut self, bucket: &str) -> Result<(), StoreError> {
        self.state.identity.throttles.remove(bucket);
        Ok(())
    }
}

impl SealedSecretStore for MemoryTx {
    async fn put_sealed(&mut self, secret: &SealedSecret) -> Result<(), StoreError> {
        self.state.identity.sealed.insert(secret.id, secret.clone());
        Ok(())
    }

    async fn sealed(&mut self, id: uuid::Uuid) -> Result<Option<SealedSecret>, StoreError> {
        Ok(self.state.identity.sealed.get(&id).cloned())
    }

    async fn sealed_not_under(
        &mut self,
        key_id: &str,
        limit: u32,
    ) -> Result<Vec<SealedSecret>, StoreError> {
        let sealed = self.state.identity.sealed.values();
        Ok(sealed.filter(|s| s.key_id != key_id).take(limit as usize).cloned().collect())
    }
}
