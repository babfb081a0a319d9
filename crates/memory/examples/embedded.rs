//! Switchboard's core embedded in a program of its own, without a database: the in-memory
//! adapters, a job worker, and the Slack and Mattermost adapters reading the sandbox's fake
//! providers. It connects one user's two chat sources, lets the worker run their first sync,
//! and prints each channel's analytics. `docs/embedding.md` walks through it.
//!
//! ```sh
//! cargo run -p switchboard-memory --example embedded
//! ```

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use switchboard_crypto::{AeadSecretBox, Argon2Hasher, JwtTokens, SecretBoxKey};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::identity::{EmailAddress, Role, User};
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_memory::{MemoryStore, StaticReadiness};
use switchboard_ports::{
    ChatError, ChatSourceFactory, EitherSource, JobAdmin, Ports, StoreError, SystemClock,
    UnitOfWork, UserStore,
};
use switchboard_sandbox::{MATTERMOST_TOKEN, RunningSandbox, SLACK_TOKEN, Sandbox};
use switchboard_services::chat::{ChatSyncAllJob, ChatSyncJob};
use switchboard_services::jobs::{JobRegistry, Worker, WorkerConfig};
use switchboard_services::stats::StatsUpdateJob;
use switchboard_services::{ChatPolicy, ChatService, ConnectSource, StatsPolicy, StatsService};
use switchboard_slack::{SlackConfig, SlackSource};
use tokio::sync::watch;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The adapter behind every port: the in-memory store for storage, the event log and the job
/// queue; the system clock; the crypto crate's secret box; the provider crates for chat.
/// Swapping one is changing one line here (and building that adapter in `main`).
#[derive(Debug, Clone, Copy)]
struct Embedded;

impl Ports for Embedded {
    type Readiness = StaticReadiness;
    type Uow = MemoryStore;
    type Events = MemoryStore;
    type Jobs = MemoryStore;
    type Clock = SystemClock;
    type Hasher = Argon2Hasher;
    type Tokens = JwtTokens;
    type Secrets = AeadSecretBox;
    type ChatSources = Providers;
    type Mail = switchboard_memory::NoMail;
}

/// Builds a chat source for a provider, a base URL and a token: the place to plug in another
/// provider, or the real Slack with your own configuration.
#[derive(Debug, Clone)]
struct Providers {
    /// Where Slack is when a source names no URL (the real one is `https://slack.com/api`).
    slack: String,
}

impl ChatSourceFactory for Providers {
    type Source = EitherSource<SlackSource, MattermostSource>;

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
                EitherSource::Left(SlackSource::new(&SlackConfig::new(base_url), token)?)
            }
            ChatProvider::Mattermost => {
                EitherSource::Right(MattermostSource::new(&MattermostConfig::new(base_url), token)?)
            }
        })
    }

    async fn resolve(&self, host: &str, port: u16) -> Result<Vec<std::net::IpAddr>, ChatError> {
        let found = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| ChatError::Transport(format!("{host} does not resolve: {e}")))?;
        Ok(found.map(|address| address.ip()).collect())
    }
}

/// What the worker's jobs need.
#[derive(Debug, Clone)]
struct Services {
    chat: ChatService<Embedded>,
    stats: StatsService<Embedded>,
}

/// What the run found, for the caller (and the test) to check.
#[derive(Debug)]
pub struct Report {
    /// Chat sources connected and synced.
    pub sources: usize,
    /// Channels followed.
    pub channels: usize,
    /// Live posts stored, over every channel.
    pub posts: u64,
    /// Channels with posts in the past day (the sandbox's history follows the wall clock:
    /// a quiet channel may have none, on a weekend say).
    pub active: usize,
    /// Channels whose statistics name their most active people.
    pub analysed: usize,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let report = run(&mut std::io::stdout()).await?;
    println!(
        "{} sources, {} channels, {} posts; {} channels analysed",
        report.sources, report.channels, report.posts, report.analysed
    );
    Ok(())
}

/// The whole example, writing what it finds to `out`.
///
/// # Errors
/// When a step fails: the sandbox does not start, a provider refuses, a job dies.
pub async fn run(out: &mut impl std::io::Write) -> Result<Report, Error> {
    // Fake Slack and Mattermost on a free local port, with a month of generated history.
    let sandbox = Sandbox::builder().posts_per_channel(400).people(20).build().start_local()?;

    // 1. The adapters and the services over them.
    let store = MemoryStore::new();
    let secrets = AeadSecretBox::new(&[SecretBoxKey {
        kid: "k1".into(),
        // In production: a random 32-byte key, base64, from your secret store.
        key: SecretString::from("dev-insecure-secret-box-key-one-AAAAAAAAAAA"),
    }])?;
    let providers = Providers { slack: sandbox.slack_base_url() };
    // The sandbox listens on loopback, which a production policy refuses (SSRF).
    let policy = ChatPolicy { allow_private_networks: true, ..ChatPolicy::default() };
    let chat = ChatService::<Embedded>::new(store.clone(), SystemClock, secrets, providers, policy);
    // One thread pool for the analytics' parallel parts, shared by every computation.
    let analytics = Arc::new(rayon::ThreadPoolBuilder::new().build()?);
    let stats = StatsService::<Embedded>::new(
        store.clone(),
        SystemClock,
        StatsPolicy::default(),
        analytics,
    );
    let services = Services { chat: chat.clone(), stats: stats.clone() };

    // 2. A worker running the job types the services enqueue.
    let registry = JobRegistry::new()
        .register_with::<ChatSyncJob<Embedded>>(|s: &Services| s.chat.clone())
        .register_with::<ChatSyncAllJob<Embedded>>(|s: &Services| s.chat.clone())
        .register_with::<StatsUpdateJob<Embedded>>(|s: &Services| s.stats.clone());
    let config = WorkerConfig {
        id: "embedded-worker".into(),
        poll_interval: Duration::from_millis(100),
        ..WorkerConfig::default()
    };
    let (stop, stopped) = watch::channel(false);
    let worker = Worker::new(store.clone(), Arc::new(registry), services, config);
    let worker = tokio::spawn(worker.run(stopped));

    // 3. A user of your own system, and their two chat sources. Connecting validates the
    //    token with the provider, seals it, stores the channels and enqueues the first sync.
    let owner = add_user(&store, "ada@example.org").await?;
    for request in connect_requests(&sandbox) {
        let connected = chat.connect_for(owner, request).await?;
        writeln!(out, "connected {} ({})", connected.source.provider, connected.source.team_name)?;
    }

    // 4. The worker syncs both in the background; wait until the queue is empty.
    drained(&store, Duration::from_secs(60)).await?;

    // 5. What the core now knows: each followed channel's analytics of the past day.
    let sources = chat.list_for(owner).await?;
    let channels = stats.followed_channels(owner).await?;
    let mut report = Report {
        sources: sources.len(),
        channels: channels.len(),
        posts: 0,
        active: 0,
        analysed: 0,
    };
    for source in &sources {
        writeln!(
            out,
            "{}: {} ({} channels)",
            source.provider,
            source.status.as_str(),
            source.backfill_total
        )?;
    }
    for channel in &channels {
        let computed = stats.channel_stats(owner, channel.id).await?;
        let week: u64 = stats.channel_pulse(owner, channel.id).await?.iter().map(|p| p.count).sum();
        report.posts += week;
        report.active += usize::from(computed.stats.posts > 0);
        report.analysed += usize::from(!computed.stats.most_active.is_empty());
        let top: Vec<&str> =
            computed.stats.most_active.iter().take(3).map(String::as_str).collect();
        let hot: Vec<&str> = computed.stats.hot_topics.iter().take(3).map(String::as_str).collect();
        writeln!(
            out,
            "#{:<18} {:>5} posts this week, {:>4} today; most active: {}; hot: {}",
            channel.name,
            week,
            computed.stats.posts,
            top.join(", "),
            hot.join(", ")
        )?;
    }

    // 6. Stop the worker: it finishes or gives back what it holds.
    stop.send(true)?;
    worker.await?;
    Ok(report)
}

/// Adds a user, as the identity services would at registration.
async fn add_user(store: &MemoryStore, email: &str) -> Result<UserId, Error> {
    let user = User {
        id: UserId::new(),
        email: EmailAddress::parse(email)?,
        display_name: "Ada".into(),
        role: Role::Member,
        disabled: false,
        password_hash: String::new(),
        created_at: chrono::Utc::now(),
    };
    let id = user.id;
    store.transact(move |tx| Box::pin(async move { tx.insert_user(&user).await })).await?;
    Ok(id)
}

/// The demo user's Slack and Mattermost tokens on the sandbox.
fn connect_requests(sandbox: &RunningSandbox) -> [ConnectSource; 2] {
    [
        ConnectSource {
            provider: ChatProvider::Slack,
            token: SLACK_TOKEN.into(),
            base_url: None,
            include_direct: None,
        },
        ConnectSource {
            provider: ChatProvider::Mattermost,
            token: MATTERMOST_TOKEN.into(),
            base_url: Some(sandbox.mattermost_base_url()),
            include_direct: None,
        },
    ]
}

/// Waits until no job is queued, running or failed, or fails after `limit`, or at once when
/// a job is dead.
async fn drained(jobs: &MemoryStore, limit: Duration) -> Result<(), Error> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let counts = jobs.counts().await?;
        let count = |state| counts.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n);
        use switchboard_domain::JobState::{Dead, Failed, Queued, Running};
        if count(Dead) > 0 {
            let dead = jobs.list(Some(Dead), None, 1).await?;
            return Err(format!("a job died: {:?}", dead[0].last_error).into());
        }
        if count(Queued) + count(Running) + count(Failed) == 0 {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(StoreError::Unavailable("the queue did not drain".into()).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
