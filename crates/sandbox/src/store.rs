//! The state every request reads: both workspaces, the tokens, the clock and the faults.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::Provider;
use crate::data::Workspace;
use crate::data::mail::Tenant;
use crate::faults::Faults;
use crate::slack::oauth::OAuth;

/// Who a token authenticates.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub provider: Provider,
    pub user: usize,
    pub revoked: bool,
}

/// What a token check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    Valid(usize),
    Unknown,
    Revoked,
}

/// Mutable state behind one lock; faults behind another so a throttle check never waits on
/// a long read.
#[derive(Debug)]
pub(crate) struct State {
    pub slack: Workspace,
    pub mattermost: Workspace,
    /// The Microsoft 365 tenant and its mailboxes.
    pub microsoft: Tenant,
    /// The sandbox clock, in microseconds: mutations advance it by a millisecond each.
    pub clock_us: i64,
    pub tokens: HashMap<String, Grant>,
}

impl State {
    pub(crate) fn workspace(&self, provider: Provider) -> &Workspace {
        match provider {
            Provider::Slack => &self.slack,
            Provider::Mattermost => &self.mattermost,
        }
    }

    pub(crate) fn workspace_mut(&mut self, provider: Provider) -> &mut Workspace {
        match provider {
            Provider::Slack => &mut self.slack,
            Provider::Mattermost => &mut self.mattermost,
        }
    }

    pub(crate) fn check(&self, provider: Provider, token: &str) -> TokenCheck {
        match self.tokens.get(token) {
            Some(grant) if grant.provider == provider && grant.revoked => TokenCheck::Revoked,
            Some(grant) if grant.provider == provider => TokenCheck::Valid(grant.user),
            _ => TokenCheck::Unknown,
        }
    }

    /// The time stamped on the next mutation.
    pub(crate) fn tick(&mut self) -> i64 {
        self.clock_us += 1000;
        self.clock_us
    }
}

/// Shared by every worker.
#[derive(Debug)]
pub(crate) struct Store {
    state: RwLock<State>,
    faults: Mutex<Faults>,
    oauth: Mutex<OAuth>,
}

impl Store {
    pub(crate) fn new(state: State) -> Self {
        Self { state: RwLock::new(state), faults: Mutex::default(), oauth: Mutex::default() }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Slack OAuth: registered apps and codes handed out.
    pub(crate) fn oauth(&self) -> std::sync::MutexGuard<'_, OAuth> {
        self.oauth.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A pending 429 for this request, as its `Retry-After` in seconds.
    pub(crate) fn throttled(&self, provider: Provider, token: Option<&str>) -> Option<u64> {
        self.faults().take(provider, token)
    }
}
