//! The production adapters over a test database, with a clock the test moves, and the binary.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::web;
use switchboard_app::commands::serve::service_info;
use switchboard_app::config::{Config, Profile};
use switchboard_crypto::{AeadSecretBox, Argon2Hasher, JwtTokens};
use switchboard_http::{AppDeps, HttpSettings, build_app};
use switchboard_memory::ManualClock;
use switchboard_postgres::{PgEventLog, PgJobQueue, PgReadiness, PgUnitOfWork};
use switchboard_services::{
    AccountService, AdminService, ApiKeyService, AuthService, ChatService, CheckedSessions,
    EventLogService, HealthService, Identity, JobAdminService, StatsService, StreamHub,
    StreamPolicy, StreamService,
};
use switchboard_test_support::TestDb;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// The mail callback the in-process app tells providers (the sandbox accepts any loopback
/// redirect URI of its app).
pub const MAIL_CALLBACK: &str = "http://127.0.0.1:9/api/mail/link/callback";

/// The binary with the test profile over `db`.
pub fn switchboard(db: &TestDb) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("SWITCHBOARD_PROFILE", "test")
        .env("SWITCHBOARD__LOG__FORMAT", "json")
        .env("SWITCHBOARD__LOG__FILTER", "info")
        .env("DATABASE_URL", db.url())
        .kill_on_drop(true);
    cmd
}

/// PostgreSQL and the crypto adapters, with a manual clock.
#[derive(Debug, Clone, Copy)]
pub struct PgTestPorts;

impl switchboard_ports::Ports for PgTestPorts {
    type Readiness = PgReadiness;
    type Uow = PgUnitOfWork;
    type Events = PgEventLog;
    type Jobs = PgJobQueue;
    type Clock = ManualClock;
    type Hasher = Argon2Hasher;
    type Tokens = JwtTokens;
    type Secrets = AeadSecretBox;
    type ChatSources = switchboard_app::chat::ProviderSources;
    type Mail = switchboard_app::mail::ProviderMail;
}

/// The test profile's configuration, with cheap password hashing.
pub fn config() -> Config {
    let mut config = Config::load(Profile::Test, None).unwrap();
    config.auth.argon2.memory_kib = 1024;
    config.auth.argon2.iterations = 1;
    config
}

/// The identity adapters as `app` wires them from `config`, over their own pool on `db`.
pub fn identity(db: &TestDb, config: &Config, clock: &ManualClock) -> Identity<PgTestPorts> {
    let id = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    Identity {
        sessions: CheckedSessions::default(),
        uow: id.uow,
        clock: clock.clone(),
        hasher: id.hasher,
        tokens: id.tokens,
        secrets: id.secrets,
        policy: id.policy,
    }
}

/// One app instance (its own pool) over `db`, as `serve` builds it.
pub async fn instance(
    db: &TestDb,
    config: &Config,
    clock: &ManualClock,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    instance_with(db, config, clock, StreamHub::new(config.stream.channel_capacity)).await
}

/// [`instance`] whose streams subscribe to `hub` (which the test runs, or not).
pub async fn instance_with(
    db: &TestDb,
    config: &Config,
    clock: &ManualClock,
    hub: StreamHub,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    instance_keeping(db, config, clock, hub, CheckedSessions::default()).await
}

/// [`instance_with`] whose requests keep the sessions they check in `sessions` (which the
/// test feeds, or not).
pub async fn instance_keeping(
    db: &TestDb,
    config: &Config,
    clock: &ManualClock,
    hub: StreamHub,
    sessions: CheckedSessions,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    let identity = Identity { sessions, ..identity(db, config, clock) };
    let (pool_uow, secrets) = (identity.uow.clone(), identity.secrets.clone());
    let pool = db.pool();
    let mut chat = ChatService::new(
        identity.uow.clone(),
        clock.clone(),
        identity.secrets.clone(),
        switchboard_app::chat::ProviderSources::new(&config.chat).unwrap(),
        switchboard_app::chat::policy(&config.chat),
    );
    if let Some(oauth) = switchboard_app::chat::slack_oauth_policy(&config.chat) {
        chat = chat.with_slack_oauth(oauth);
    }
    let stats = StatsService::new(
        identity.uow.clone(),
        clock.clone(),
        switchboard_app::ports::stats_policy(&config.stats),
        switchboard_app::ports::analytics_pool().unwrap(),
    );
    let deps = AppDeps::<PgTestPorts> {
        health: web::Data::new(HealthService::new(PgReadiness::new(pool.clone()), service_info())),
        tokens: web::Data::new(identity.tokens.clone()),
        auth: web::Data::new(AuthService::new(identity.clone())),
        accounts: web::Data::new(AccountService::new(identity.clone())),
        api_keys: web::Data::new(ApiKeyService::new(identity.clone())),
        mail: web::Data::new(switchboard_services::MailService::new(
            identity.uow.clone(),
            clock.clone(),
            identity.secrets.clone(),
            switchboard_app::mail::ProviderMail::new(&config.mail).unwrap(),
            switchboard_app::mail::policy(config, MAIL_CALLBACK),
        )),
        stream: web::Data::new(StreamService::new(
            identity.uow.clone(),
            clock.clone(),
            PgEventLog::new(pool.clone()),
            hub,
            StreamPolicy {
                ticket_ttl: std::time::Duration::from_secs(config.stream.ticket_ttl_secs),
                heartbeat: std::time::Duration::from_secs(config.stream.heartbeat_secs.max(1)),
            },
        )),
        admin: web::Data::new(AdminService::new(identity)),
        events: web::Data::new(EventLogService::new(PgEventLog::new(pool.clone()))),
        jobs: web::Data::new(JobAdminService::new(PgJobQueue::new(pool, db.url()).0)),
        chat: web::Data::new(chat),
        stats: web::Data::new(stats),
        webhooks: web::Data::new(switchboard_services::WebhookService::new(
            pool_uow.clone(),
            clock.clone(),
            secrets.clone(),
            switchboard_app::chat::ProviderSources::new(&config.chat).unwrap(),
            switchboard_app::webhooks::policy(&config.webhooks),
        )),
        notifications: web::Data::new(switchboard_services::NotificationService::new(
            pool_uow.clone(),
            clock.clone(),
            switchboard_services::NotificationPolicy::default(),
        )),
        replies: web::Data::new(switchboard_http::KeptReplies::new(
            config.server.reply_cache_mb.saturating_mul(1024 * 1024),
        )),
        settings: HttpSettings {
            body_limit: config.server.body_limit_bytes,
            cors_origins: Vec::new(),
            cors_max_age_secs: 60,
            trust_forwarded_for: false,
            metrics: None,
        },
    };
    actix_web::test::init_service(build_app(deps)).await
}

/// Sends a request; the status, the `Retry-After` header and the JSON body.
pub async fn call(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    req: actix_web::test::TestRequest,
) -> (u16, Option<String>, serde_json::Value) {
    let res = actix_web::test::call_service(app, req.to_request()).await;
    let status = res.status().as_u16();
    let retry = res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    let body = actix_web::test::read_body(res).await;
    (status, retry, serde_json::from_slice(&body).unwrap())
}

/// Claims and runs every due job with the binary's registry and job context.
pub async fn run_jobs(
    queue: &switchboard_postgres::PgJobQueue,
    context: &switchboard_app::jobs::JobContext,
) -> usize {
    use switchboard_ports::JobQueue;
    let registry = switchboard_app::jobs::registry();
    let mut ran = 0;
    loop {
        let jobs = queue.claim("test", 10, std::time::Duration::from_secs(60)).await.unwrap();
        if jobs.is_empty() {
            return ran;
        }
        for job in jobs {
            registry.run(&job.job_type, job.payload, context.clone()).await.unwrap();
            assert!(queue.complete("test", job.id).await.unwrap());
            ran += 1;
        }
    }
}

/// The single integer `sql` answers.
pub async fn count(db: &switchboard_test_support::TestDb, sql: &str) -> i64 {
    db.client().await.query_one(sql, &[]).await.unwrap().get(0)
}
