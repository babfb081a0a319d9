//! The identity stores over the in-memory state, and a clock tests can move.

mod stores;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{ApiKey, ApiKeyId, Session, SessionId, User};
use switchboard_ports::{Clock, SealedSecret, ThrottleWindow};

/// The identity aggregates, as the in-memory store keeps them.
#[derive(Debug, Clone, Default)]
pub struct IdentityState {
    /// Users by id.
    pub users: BTreeMap<UserId, User>,
    /// Sessions by id.
    pub sessions: HashMap<SessionId, Session>,
    /// Refresh tokens by hash.
    pub refresh_tokens: HashMap<Vec<u8>, StoredRefreshToken>,
    /// API keys by id.
    pub api_keys: BTreeMap<ApiKeyId, ApiKey>,
    /// Throttle windows by bucket.
    pub throttles: HashMap<String, ThrottleWindow>,
    /// Sealed secrets by id.
    pub sealed: BTreeMap<uuid::Uuid, SealedSecret>,
}

/// A refresh token as stored: its session, and whether (and into what) it was rotated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRefreshToken {
    /// The session (token family) it belongs to.
    pub session: SessionId,
    /// Its state; a rotation's `successor_used` is read from the successor, not kept here.
    pub state: switchboard_ports::RefreshTokenState,
}

/// A clock that stands still until told to move. Clones share the time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new(Utc::now())
    }
}

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { now: Arc::new(Mutex::new(now)) }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: std::time::Duration) {
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        let mut now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = now.checked_add_signed(by).unwrap_or(DateTime::<Utc>::MAX_UTC);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
