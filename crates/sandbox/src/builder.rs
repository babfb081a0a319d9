//! Building a sandbox: seed, clock, volume.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};

use crate::data::mail::{self, MailConfig};
use crate::data::{GenConfig, generate};
use crate::google::Google;
use crate::google::gmail::model::GmailBox;
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
    mailboxes: usize,
    messages_per_mailbox: usize,
    large_attachment_bytes: u64,
    graph_path: String,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            now: None,
            posts_per_channel: 4000,
            people: 40,
            mailboxes: 2,
            messages_per_mailbox: 600,
            large_attachment_bytes: 3_600_000,
            graph_path: crate::microsoft::graph::DEFAULT_PATH.to_owned(),
        }
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

    /// Microsoft 365 mailboxes (at least one; the first is the demo user's).
    #[must_use]
    pub fn mailboxes(mut self, mailboxes: usize) -> Self {
        self.mailboxes = mailboxes;
        self
    }

    /// Messages in each mailbox, over the 90 days before `now`.
    #[must_use]
    pub fn messages_per_mailbox(mut self, messages: usize) -> Self {
        self.messages_per_mailbox = messages;
        self
    }

    /// Size of the one large attachment in the demo mailbox (default 3.6 MB: over Graph's
    /// 3 MB limit for inline uploads, so clients must handle it as a large one; at most
    /// Graph's 150 MB).
    #[must_use]
    pub fn large_attachment_bytes(mut self, bytes: u64) -> Self {
        self.large_attachment_bytes = bytes.min(mail::MAX_ATTACHMENT_BYTES);
        self
    }

    /// The path Graph is served under (default `/microsoft/graph/v1.0`); `/v1.0` serves it
    /// at the root as `graph.microsoft.com` does, for clients that only take a host.
    #[must_use]
    pub fn graph_path(mut self, path: &str) -> Self {
        self.graph_path = format!("/{}", path.trim_matches('/'));
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
        let microsoft = mail::generate(&MailConfig {
            seed: self.seed,
            now_us: config.now_us,
            mailboxes: self.mailboxes,
            messages_per_mailbox: self.messages_per_mailbox,
            large_attachment_bytes: self.large_attachment_bytes,
            org: mail::MICROSOFT,
        });
        let gmail = mail::generate(&MailConfig {
            seed: self.seed ^ 0x6700_6d61_696c,
            now_us: config.now_us,
            mailboxes: self.mailboxes,
            messages_per_mailbox: self.messages_per_mailbox,
            large_attachment_bytes: self.large_attachment_bytes,
            org: mail::GOOGLE,
        });
        let gmail = gmail.mailboxes.into_iter().map(GmailBox::from_mailbox).collect();
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
        let state = State { slack, mattermost, microsoft, clock_us: config.now_us, tokens };
        let store = Store::new(state, Google::new(self.seed, gmail), self.seed, self.graph_path);
        store.oauth().clients.insert(
            crate::SLACK_OAUTH_CLIENT_ID.to_owned(),
            crate::SLACK_OAUTH_CLIENT_SECRET.to_owned(),
        );
        Sandbox { store: Arc::new(store), now, generation }
    }
}
