//! A sandbox, the in-memory store, and the chat service over both.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use secrecy::SecretString;
use switchboard_crypto::{AeadSecretBox, Argon2Hasher, JwtTokens, SecretBoxKey};
use switchboard_domain::UserId;
use switchboard_domain::chat::{ChatPost, ChatProvider};
use switchboard_domain::chat_sources::{Source, SourceId};
use switchboard_domain::identity::{Role, Scopes, SessionId};
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_memory::{ManualClock, MemoryPorts, MemoryState, MemoryStore};
use switchboard_ports::{ChatError, ChatSourceFactory, EitherSource, RetryPolicy};
use switchboard_sandbox::{
    MATTERMOST_TOKEN, NewPost, Provider, RunningSandbox, SLACK_TOKEN, Sandbox,
};
use switchboard_services::chat::ConnectSource;
use switchboard_services::{ChatPolicy, ChatService, Principal, PrincipalKind};
use switchboard_slack::{SlackConfig, SlackSource};

/// Slack and Mattermost sources with fast retries (a 429 longer than a second fails at once).
#[derive(Debug, Clone)]
pub struct SandboxSources {
    slack: String,
}

fn retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_backoff: Duration::from_millis(1),
        max_wait: Duration::from_secs(1),
    }
}

impl ChatSourceFactory for SandboxSources {
    type Source = EitherSource<SlackSource, MattermostSource>;

    /// A fixed table: `localhost` and literal addresses, like a resolver on a closed network.
    async fn resolve(&self, host: &str, _port: u16) -> Result<Vec<std::net::IpAddr>, ChatError> {
        let host = host.trim_matches(['[', ']']);
        match host {
            "localhost" => Ok(vec![std::net::Ipv4Addr::LOCALHOST.into()]),
            literal => literal
                .parse()
                .map(|ip| vec![ip])
                .map_err(|_| ChatError::Transport(format!("{host} does not resolve"))),
        }
    }

    fn default_base_url(&self, provider: ChatProvider) -> Option<String> {
        (provider == ChatProvider::Slack).then(|| self.slack.clone())
    }

    fn source(
        &self,
        provider: ChatProvider,
        base_url: &str,
        token: &str,
    ) -> Result<Self::Source, ChatError> {
        let token = SecretString::from(token.to_owned());
        Ok(match provider {
            ChatProvider::Slack => {
                let mut config = SlackConfig::new(base_url);
                config.retry = retry();
                config.page_size = 150;
                EitherSource::Left(SlackSource::new(&config, token)?)
            }
            ChatProvider::Mattermost => {
                let mut config = MattermostConfig::new(base_url);
                config.retry = retry();
                config.page_size = 120;
                EitherSource::Right(MattermostSource::new(&config, token)?)
            }
        })
    }
}

pub type Ports = MemoryPorts<Argon2Hasher, JwtTokens, AeadSecretBox, SandboxSources>;

/// A sandbox, the store and the service, with the clock at the sandbox's `now`.
pub struct World {
    pub sandbox: RunningSandbox,
    pub store: MemoryStore,
    pub chat: ChatService<Ports>,
}

pub fn start() -> World {
    start_with(true)
}

pub fn start_with(allow_private_networks: bool) -> World {
    start_with_policy(|policy| policy.allow_private_networks = allow_private_networks)
}

/// A world whose chat policy `change` adjusts.
pub fn start_with_policy(change: impl FnOnce(&mut ChatPolicy)) -> World {
    start_sized(300, change)
}

/// A world with `posts_per_channel` posts in each regular channel (a month of history).
pub fn start_sized(posts_per_channel: usize, change: impl FnOnce(&mut ChatPolicy)) -> World {
    start_peopled(posts_per_channel, 20, change)
}

/// A world of `people` people with `posts_per_channel` posts in each regular channel.
pub fn start_peopled(
    posts_per_channel: usize,
    people: usize,
    change: impl FnOnce(&mut ChatPolicy),
) -> World {
    let now = Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap();
    let sandbox = Sandbox::builder()
        .seed(21)
        .now(now)
        .posts_per_channel(posts_per_channel)
        .people(people)
        .build()
        .start_local()
        .expect("the sandbox starts");
    let store = MemoryStore::new();
    let secrets = AeadSecretBox::new(&[SecretBoxKey {
        kid: "s1".into(),
        key: SecretString::from("dev-insecure-secret-box-key-one-AAAAAAAAAAA"),
    }])
    .unwrap();
    let mut policy = ChatPolicy {
        backfill_days: 31,
        allow_private_networks: true,
        change_margin: Duration::from_secs(60),
        reconcile_window: Duration::from_secs(24 * 3600),
        channel_concurrency: 3,
        thread_concurrency: 2,
        page_cache_bytes: 1 << 20,
    };
    change(&mut policy);
    let sources = SandboxSources { slack: sandbox.slack_base_url() };
    let chat = ChatService::new(store.clone(), ManualClock::new(now), secrets, sources, policy);
    World { sandbox, store, chat }
}

pub fn user() -> Principal {
    let id = UserId::new();
    Principal {
        user_id: id,
        role: Role::Member,
        scopes: Scopes::all(),
        kind: PrincipalKind::Session(SessionId::new()),
        user: switchboard_domain::identity::User {
            id,
            email: switchboard_domain::identity::EmailAddress::parse("member@example.org").unwrap(),
            display_name: "Member".to_owned(),
            role: Role::Member,
            disabled: false,
            password_hash: String::new(),
            created_at: chrono::Utc::now(),
        },
    }
}

impl World {
    pub fn request(&self, provider: Provider) -> ConnectSource {
        match provider {
            Provider::Slack => ConnectSource {
                provider: ChatProvider::Slack,
                token: SLACK_TOKEN.to_owned(),
                base_url: None,
                include_direct: None,
            },
            Provider::Mattermost => ConnectSource {
                provider: ChatProvider::Mattermost,
                token: MATTERMOST_TOKEN.to_owned(),
                base_url: Some(self.sandbox.mattermost_base_url()),
                include_direct: None,
            },
        }
    }

    pub async fn connect(&self, caller: &Principal, provider: Provider) -> Source {
        self.chat.connect(caller, self.request(provider)).await.unwrap().source
    }

    pub async fn state(&self) -> MemoryState {
        self.store.snapshot().await
    }

    /// The stored posts of `source`, by provider post id.
    pub async fn posts(&self, source: SourceId) -> Vec<ChatPost> {
        let state = self.state().await;
        let channels: Vec<_> =
            state.chat.channels.values().filter(|c| c.source_id == source).map(|c| c.id).collect();
        channels
            .iter()
            .filter_map(|c| state.chat.posts.get(c))
            .flat_map(|posts| posts.values().cloned())
            .collect()
    }

    /// Live posts the demo user can read in channels the adapters list.
    pub fn live_posts(&self, provider: Provider) -> usize {
        let channels = self.sandbox.channels(provider);
        channels.iter().filter(|c| c.member && !c.archived).map(|c| c.live_posts).sum()
    }

    pub fn post(&self, provider: Provider, channel: &str, text: &str) -> String {
        let post = NewPost { channel_id: channel, text, user_id: None, root_id: None };
        self.sandbox.post(provider, post).unwrap().id
    }
}
