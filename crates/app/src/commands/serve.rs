//! `switchboard serve`: wires the adapters into the services and runs the HTTP server.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::web;
use secrecy::ExposeSecret;
use switchboard_domain::ServiceInfo;
use switchboard_http::{AppDeps, HttpSettings, KeptReplies, ServerOptions};
use switchboard_ports::SystemClock;
use switchboard_postgres::{PgEventLog, PgJobQueue, PgPool, PgReadiness, PgUnitOfWork, migrations};
use switchboard_services::{
    AccountService, AdminService, ApiKeyService, AuthService, ChatService, DemoService,
    EventLogService, HealthService, Identity, JobAdminService, MailService, NotificationService,
    StatsService, StreamHub, StreamPolicy, StreamService,
};

use crate::chat::ProviderSources;
use crate::config::Config;
use crate::error::AppError;
use crate::mail::ProviderMail;
use crate::ports::PgPorts;

/// This build's name, version and commit.
pub fn service_info() -> ServiceInfo {
    ServiceInfo::new(
        "switchboard",
        env!("CARGO_PKG_VERSION"),
        option_env!("SWITCHBOARD_GIT_COMMIT"),
    )
}

/// What every server worker shares: keys, the hashing threads, the verified-token cache, the
/// providers' HTTP client, the job queue. Each worker adds its own connection pool.
#[derive(Debug, Clone)]
pub struct SharedDeps {
    identity: Identity<PgPorts>,
    sources: ProviderSources,
    /// One for the process, as `stats`: the pages it keeps serve every worker.
    chat: ChatService<PgPorts>,
    /// One for the process: its limit on concurrent computations and its one-computation-
    /// per-channel guard hold across workers; each worker reads through its own pool.
    stats: StatsService<PgPorts>,
    notifications: NotificationService<PgPorts>,
    /// One for the process, as `chat`.
    mail: MailService<PgPorts>,
    webhook_policy: switchboard_services::WebhookPolicy,
    queue: PgJobQueue,
    /// One for the process: every worker's connections subscribe to the one fan-out.
    stream_hub: StreamHub,
    stream_policy: StreamPolicy,
    /// One for the process: every worker sends the answers any of them encoded.
    replies: web::Data<KeptReplies>,
    settings: HttpSettings,
    /// Watches each worker's pool, when metrics are on.
    metrics: Option<crate::metrics::Metrics>,
}

impl SharedDeps {
    /// Builds the shared adapters; `pool` serves whatever runs outside the workers.
    ///
    /// # Errors
    /// [`AppError::Keys`] for unusable keys, [`AppError::Command`] for the HTTP client.
    pub fn new(config: &Config, pool: PgPool, queue: PgJobQueue) -> Result<Self, AppError> {
        let identity = crate::ports::identity(pool, &config.auth)?;
        let sources = ProviderSources::new(&config.chat)?;
        let chat = ChatService::new(
            identity.uow.clone(),
            SystemClock,
            identity.secrets.clone(),
            sources.clone(),
            crate::chat::policy(&config.chat),
        );
        let chat = match crate::chat::slack_oauth_policy(&config.chat) {
            Some(oauth) => chat.with_slack_oauth(oauth),
            None => chat,
        };
        let mail = MailService::new(
            identity.uow.clone(),
            SystemClock,
            identity.secrets.clone(),
            ProviderMail::new(&config.mail)?,
            crate::mail::policy(config, &mail_callback_url(config)),
        );
        Ok(Self {
            stats: crate::ports::stats(&identity, &config.stats)?,
            notifications: crate::ports::notifications(&identity, &config.notifications),
            identity,
            sources,
            chat,
            mail,
            webhook_policy: crate::webhooks::policy(&config.webhooks),
            queue,
            stream_hub: StreamHub::new(config.stream.channel_capacity),
            stream_policy: StreamPolicy {
                ticket_ttl: Duration::from_secs(config.stream.ticket_ttl_secs),
                heartbeat: Duration::from_secs(config.stream.heartbeat_secs.max(1)),
            },
            replies: web::Data::new(KeptReplies::new(
                config.server.reply_cache_mb.saturating_mul(1024 * 1024),
            )),
            settings: HttpSettings {
                body_limit: config.server.body_limit_bytes,
                cors_origins: config.cors.allowed_origins.clone(),
                cors_max_age_secs: config.cors.max_age_secs,
                trust_forwarded_for: config.auth.trust_forwarded_for,
                metrics: None,
            },
            metrics: None,
        })
    }

    /// Serves `metrics` at `GET /metrics` on the API port (`on_api_port`) and reports each
    /// worker's pool.
    #[must_use]
    pub fn with_metrics(mut self, metrics: crate::metrics::Metrics, on_api_port: bool) -> Self {
        if on_api_port {
            self.settings.metrics = Some(metrics.endpoint());
        }
        self.metrics = Some(metrics);
        self
    }

    /// Everything the handlers need, with the database reached through `pool`.
    pub fn on_pool(&self, pool: &PgPool) -> AppDeps<PgPorts> {
        let identity = Identity { uow: PgUnitOfWork::new(pool.clone()), ..self.identity.clone() };
        let identity_uow = identity.uow.clone();
        AppDeps {
            health: web::Data::new(HealthService::new(
                PgReadiness::new(pool.clone()),
                service_info(),
            )),
            tokens: web::Data::new(identity.tokens.clone()),
            auth: web::Data::new(AuthService::new(identity.clone())),
            accounts: web::Data::new(AccountService::new(identity.clone())),
            api_keys: web::Data::new(ApiKeyService::new(identity.clone())),
            admin: web::Data::new(AdminService::new(identity)),
            events: web::Data::new(EventLogService::new(PgEventLog::new(pool.clone()))),
            jobs: web::Data::new(JobAdminService::new(self.queue.clone())),
            chat: web::Data::new(self.chat.with_uow(identity_uow.clone())),
            mail: web::Data::new(self.mail.with_uow(identity_uow.clone())),
            webhooks: web::Data::new(switchboard_services::WebhookService::new(
                identity_uow.clone(),
                SystemClock,
                self.identity.secrets.clone(),
                self.sources.clone(),
                self.webhook_policy.clone(),
            )),
            notifications: web::Data::new(self.notifications.with_uow(identity_uow.clone())),
            stats: web::Data::new(self.stats.with_uow(identity_uow.clone())),
            stream: web::Data::new(StreamService::new(
                identity_uow,
                SystemClock,
                PgEventLog::new(pool.clone()),
                self.stream_hub.clone(),
                self.stream_policy,
            )),
            replies: self.replies.clone(),
            settings: self.settings.clone(),
        }
    }

    /// The process's stream fan-out, for `serve` to run.
    pub fn stream_hub(&self) -> &StreamHub {
        &self.stream_hub
    }

    /// Keeps the sessions checked by every worker in step with the database at `listen_url`
    /// (one `LISTEN` connection), for `serve` to run: until it listens, and whenever its
    /// connection is lost, every request reads its session.
    pub fn watch_identity(&self, listen_url: &str) -> impl Future<Output = ()> + Send + 'static {
        let sessions = self.identity.sessions.clone();
        switchboard_postgres::watch_identity(listen_url.to_owned(), move |c| sessions.apply(c))
    }

    /// A factory for [`switchboard_http::serve`]: each server worker gets its own pool of
    /// `pool_size` connections to `url`, created on that worker's thread. A connection's
    /// driver task runs on the thread that opened it, so with one shared pool most queries
    /// would hop between threads twice (a wake-up of another thread each way); with a pool
    /// per worker, a request and its connection share one event loop.
    pub fn per_worker(
        self,
        url: String,
        pool_size: usize,
        fallback: PgPool,
    ) -> impl Fn() -> AppDeps<PgPorts> + Send + Clone + 'static {
        move || {
            let pool = switchboard_postgres::connect(&url, pool_size).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot build a worker's pool; sharing the main one");
                fallback.clone()
            });
            if let Some(metrics) = &self.metrics {
                metrics.watch_pool("http", &pool);
            }
            self.on_pool(&pool)
        }
    }
}

/// Everything the handlers need, over `pool`.
///
/// # Errors
/// [`AppError::Keys`] for unusable keys.
pub fn app_deps(
    config: &Config,
    pool: PgPool,
    queue: PgJobQueue,
) -> Result<AppDeps<PgPorts>, AppError> {
    Ok(SharedDeps::new(config, pool.clone(), queue)?.on_pool(&pool))
}

/// This server's Slack OAuth callback at `address` (loopback when bound to every interface).
/// `http://{address}` as a client on this machine reaches it (an unspecified address is
/// reached on loopback).
fn local_origin(address: std::net::SocketAddr) -> String {
    let host = match address.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}", address.port())
}

fn callback_url(address: std::net::SocketAddr) -> String {
    format!("{}/api/chat/oauth/slack/callback", local_origin(address))
}

/// The mail callback: `mail.callback_uri`, else derived from `server.host` and `server.port`
/// (`run` sets `mail.callback_uri` from the bound address first).
fn mail_callback_url(config: &Config) -> String {
    if !config.mail.callback_uri.is_empty() {
        return config.mail.callback_uri.clone();
    }
    let address = format!("{}:{}", config.server.host, config.server.port);
    let origin = address.parse().map_or_else(|_| format!("http://{address}"), local_origin);
    format!("{origin}/api/mail/link/callback")
}

/// Runs until SIGTERM or SIGINT, then drains in-flight requests. With `sandbox.enabled`, the
/// fake providers run in this process and the demo account is seeded once the server listens.
///
/// # Errors
/// When migrations fail at start or the address cannot be bound.
pub async fn run(config: &Config) -> Result<(), AppError> {
    let started = std::time::Instant::now();
    let mut config = config.clone();
    let sandbox = crate::sandbox::start(&mut config)?;
    let listener = TcpListener::bind((config.server.host.as_str(), config.server.port))?;
    let address = listener.local_addr()?;
    if config.chat.slack_oauth.redirect_uri.is_empty() {
        config.chat.slack_oauth.redirect_uri = callback_url(address);
    }
    if config.mail.callback_uri.is_empty() {
        config.mail.callback_uri = format!("{}/api/mail/link/callback", local_origin(address));
    }
    let config = &config;
    let url = config.database.url.expose_secret();
    if config.database.migrate_on_start {
        let applied = migrations::run_pending(url).await?;
        if !applied.is_empty() {
            tracing::info!(versions = ?applied, "applied migrations");
        }
    }
    let pool = switchboard_postgres::connect(url, config.database.pool_size)?;
    let (stop_workers, shutdown) = tokio::sync::watch::channel(false);
    let (queue, job_listener) = switchboard_postgres::PgJobQueue::new(pool.clone(), url);
    tokio::spawn(job_listener.run());
    if let Err(e) = crate::jobs::schedule_recurring(&queue, config).await {
        tracing::warn!(error = %e, "cannot schedule the recurring jobs");
    }
    let mut shared = SharedDeps::new(config, pool.clone(), queue.clone())?;
    if config.metrics.enabled {
        let metrics = crate::metrics::Metrics::install()?;
        metrics.watch_pool("main", &pool);
        metrics
            .watch_database(&pool, Duration::from_secs(config.metrics.sample_interval_secs))
            .await;
        let listen = config.metrics.listen.trim();
        if !listen.is_empty() {
            let bound = metrics.serve_on(listen)?;
            tracing::info!(metrics = %format!("http://{bound}/metrics"), "metrics listening");
        }
        shared = shared.with_metrics(metrics, listen.is_empty());
    }
    // One LISTEN connection for the sessions the workers keep.
    tokio::spawn(shared.watch_identity(config.database.listen_url()));
    // One LISTEN connection and one reader of the log for the process's streams.
    let (feed, event_listener) =
        switchboard_postgres::PgEventFeed::new(pool.clone(), config.database.listen_url());
    tokio::spawn(event_listener.run());
    tokio::spawn(shared.stream_hub().run(
        PgEventLog::new(pool.clone()),
        feed,
        Duration::from_millis(config.stream.poll_interval_ms.max(10)),
    ));
    let on_main = shared.on_pool(&pool);
    let context = crate::jobs::JobContext {
        chat: on_main.chat.get_ref().clone(),
        stats: on_main.stats.get_ref().clone(),
        mail: on_main.mail.get_ref().clone(),
        webhooks: crate::ports::webhook_dispatcher(&shared.identity, &config.webhooks)?,
        notifications: on_main.notifications.get_ref().clone(),
    };
    let mut workers = crate::jobs::spawn_workers(
        &queue,
        &config.jobs,
        config.jobs.workers_in_serve,
        &shutdown,
        &context,
    );
    let options = ServerOptions {
        workers: config.workers(),
        shutdown_timeout: Duration::from_secs(config.server.shutdown_timeout_secs),
    };
    // The requests' connections are split between the workers, each pool on its own thread;
    // `pool` stays for the job workers and start-up.
    let per_worker = config.database.pool_size.div_ceil(options.workers.max(1)).max(1);
    let make_deps = shared.clone().per_worker(url.to_owned(), per_worker, pool.clone());
    let server = switchboard_http::serve(listener, make_deps, options)?;
    tracing::info!(
        api = %format!("http://{address}"),
        docs = %format!("http://{address}/docs/"),
        workers = options.workers,
        "listening"
    );
    let demo = match &sandbox {
        Some(running) if config.sandbox.demo.enabled => {
            let identity = Identity { uow: PgUnitOfWork::new(pool), ..shared.identity.clone() };
            let service = DemoService::new(identity, on_main.chat.get_ref().clone());
            let demo = crate::sandbox::Demo::new(service, running, address, started);
            let account = crate::sandbox::account(config)?;
            Some(tokio::spawn(crate::sandbox::run(demo, account)))
        }
        _ => None,
    };
    let served = server.await;
    if let Some(demo) = demo {
        demo.abort();
    }
    // The server has drained its requests; now the workers finish or give back their jobs.
    let _ = stop_workers.send(true);
    while workers.join_next().await.is_some() {}
    drop(sandbox);
    served?;
    tracing::info!("stopped");
    Ok(())
}
