//! The state every request reads: both workspaces, the tokens, the clock and the faults.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::Provider;
use crate::data::Workspace;
use crate::data::mail::Tenant;
use crate::faults::{Api, Faults};
use crate::google::Google;
use crate::microsoft::graph::GraphState;
use crate::microsoft::identity::Identity;
use crate::microsoft::identity::keys::{KeyError, SigningKey};
use crate::slack::events::Events;
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
    slack_events: Mutex<Events>,
    identity: Mutex<Identity>,
    graph: Mutex<GraphState>,
    /// Google's OAuth server, the Gmail mailboxes and their faults.
    google: Mutex<Google>,
    seed: u64,
    /// Made on first use: Slack- or Mattermost-only runs never pay for RSA key generation.
    key: OnceLock<Arc<SigningKey>>,
    /// The path Graph is served under (`/microsoft/graph/v1.0` by default).
    pub graph_path: String,
    /// `http://{addr}`, set when the sandbox starts serving: issuers and links are absolute.
    origin: OnceLock<String>,
}

impl Store {
    pub(crate) fn new(state: State, google: Google, seed: u64, graph_path: String) -> Self {
        Self {
            state: RwLock::new(state),
            faults: Mutex::default(),
            oauth: Mutex::default(),
            slack_events: Mutex::default(),
            identity: Mutex::new(Identity::new(seed)),
            graph: Mutex::new(GraphState::new(seed)),
            google: Mutex::new(google),
            seed,
            graph_path,
            key: OnceLock::new(),
            origin: OnceLock::new(),
        }
    }

    /// The Microsoft identity platform's runtime state: apps, codes, tokens, switches.
    pub(crate) fn identity(&self) -> std::sync::MutexGuard<'_, Identity> {
        self.identity.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Graph's delta rounds and tokens.
    pub(crate) fn graph(&self) -> std::sync::MutexGuard<'_, GraphState> {
        self.graph.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Google's side: never held together with the state lock.
    pub(crate) fn google(&self) -> std::sync::MutexGuard<'_, Google> {
        self.google.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The key the fake identity platform signs with.
    pub(crate) fn signing_key(&self) -> Result<Arc<SigningKey>, KeyError> {
        if let Some(key) = self.key.get() {
            return Ok(key.clone());
        }
        let key = SigningKey::for_seed(self.seed)?;
        Ok(self.key.get_or_init(|| key).clone())
    }

    /// Records where the sandbox serves (the first address wins).
    pub(crate) fn set_origin(&self, origin: String) {
        let _ = self.origin.set(origin);
    }

    /// `http://{addr}` of the server, or a placeholder before it starts.
    pub(crate) fn origin(&self) -> &str {
        self.origin.get().map_or("http://sandbox.invalid", String::as_str)
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

    /// Slack's Events API: where events go, and those waiting.
    pub(crate) fn slack_events(&self) -> std::sync::MutexGuard<'_, Events> {
        self.slack_events.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Slack OAuth: registered apps and codes handed out.
    pub(crate) fn oauth(&self) -> std::sync::MutexGuard<'_, OAuth> {
        self.oauth.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A pending server error for this request to `api`.
    pub(crate) fn failing(&self, api: impl Into<Api>) -> Option<crate::faults::Failure> {
        self.faults().take_failure(api.into())
    }

    /// A pending 429 for this request, as its `Retry-After` in seconds.
    pub(crate) fn throttled(&self, api: impl Into<Api>, token: Option<&str>) -> Option<u64> {
        self.faults().take(api, token)
    }
}
