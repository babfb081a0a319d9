//! Building a sandbox: seed, clock, volume.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};

use crate::data::{GenConfig, generate};
use crate::store::{Grant, State, Store};
use crate::{MATTERMOST_TOKEN, Provider, SLACK_TOKEN};

/// The seed used unless another is given.
pub const DEFAULT_SEED: u64 = 5;

/// A generated pair of fake providers, not serving yet. Cloning gives another handle on the
/// same state.
#[derive(Debug, Clone)]
pub struct Sandbox {
    pub(crate) store: Arc<Store>,
    pub(crate) now: DateTime<Utc>,
    pub(crate) generation: Duration,
}

impl Sandbox {
    /// A builder with the defaults: seed [`DEFAULT_SEED`], `now` the current time to the
    /// second, 4,000 posts in each regular channel, 40 people per provider.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }
}

/// Options of a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    seed: u64,
    now: Option<DateTime<Utc>>,
    posts_per_channel: usize,
    people: usize,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self { seed: DEFAULT_SEED, now: None, posts_per_channel: 4000, people: 40 }
    }
}

impl SandboxBuilder {
    /// The seed: the same seed, clock and sizes give the same data, ids included.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The time the history ends at; generated posts fall in the 30 days before it.
    #[must_use]
    pub fn now(mut self, now: DateTime<Utc>) -> Self {
        self.now = Some(now);
        self
    }

    /// Posts in each regular channel (archived and foreign private channels get a tenth).
    #[must_use]
    pub fn posts_per_channel(mut self, posts: usize) -> Self {
        self.posts_per_channel = posts;
        self
    }

    /// People per provider (at least 3), the demo user included.
    #[must_use]
    pub fn people(mut self, people: usize) -> Self {
        self.people = people;
        self
    }

    /// Generates both workspaces and registers the built-in tokens.
    pub fn build(self) -> Sandbox {
        let now = self.now.unwrap_or_else(|| Utc::now().trunc_subsecs(0));
        let config = GenConfig {
            seed: self.seed,
            now_us: now.timestamp_micros(),
            posts_per_channel: self.posts_per_channel,
            people: self.people,
        };
        let started = Instant::now();
        let slack = generate(Provider::Slack, &config);
        let mattermost = generate(Provider::Mattermost, &config);
        let generation = started.elapsed();
        let mut tokens = HashMap::new();
        tokens.insert(
            SLACK_TOKEN.to_owned(),
            Grant { provider: Provider::Slack, user: slack.me, revoked: false },
        );
        tokens.insert(
            MATTERMOST_TOKEN.to_owned(),
            Grant { provider: Provider::Mattermost, user: mattermost.me, revoked: false },
        );
        let state = State { slack, mattermost, clock_us: config.now_us, tokens };
        let store = Store::new(state);
        store.oauth().clients.insert(
            crate::SLACK_OAUTH_CLIENT_ID.to_owned(),
            crate::SLACK_OAUTH_CLIENT_SECRET.to_owned(),
        );
        Sandbox { store: Arc::new(store), now, generation }
    }
}
