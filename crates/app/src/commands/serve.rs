//! `switchboard serve`: wires the adapters into the services and runs the HTTP server.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::web;
use secrecy::ExposeSecret;
use switchboard_domain::ServiceInfo;
use switchboard_http::{AppDeps, HttpSettings, ServerOptions};
use switchboard_postgres::{PgEventLog, PgJobQueue, PgPool, PgReadiness, migrations};
use switchboard_services::{
    AccountService, AdminService, ApiKeyService, AuthService, DemoService, EventLogService,
    HealthService, JobAdminService,
};

use crate::config::Config;
use crate::error::AppError;
use crate::ports::PgPorts;

/// This build's name, version and commit.
pub fn service_info() -> ServiceInfo {
    ServiceInfo::new(
        "switchboard",
        env!("CARGO_PKG_VERSION"),
        option_env!("SWITCHBOARD_GIT_COMMIT"),
    )
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
    let identity = crate::ports::identity(pool.clone(), &config.auth)?;
    let chat = crate::ports::chat(&identity, &config.chat)?;
    let stats = crate::ports::stats(&identity, &config.stats);
    Ok(AppDeps {
        health: web::Data::new(HealthService::new(PgReadiness::new(pool.clone()), service_info())),
        tokens: web::Data::new(identity.tokens.clone()),
        auth: web::Data::new(AuthService::new(identity.clone())),
        accounts: web::Data::new(AccountService::new(identity.clone())),
        api_keys: web::Data::new(ApiKeyService::new(identity.clone())),
        admin: web::Data::new(AdminService::new(identity)),
        events: web::Data::new(EventLogService::new(PgEventLog::new(pool.clone()))),
        jobs: web::Data::new(JobAdminService::new(queue)),
        chat: web::Data::new(chat),
        stats: web::Data::new(stats),
        settings: HttpSettings {
            body_limit: config.server.body_limit_bytes,
            cors_origins: config.cors.allowed_origins.clone(),
            cors_max_age_secs: config.cors.max_age_secs,
            trust_forwarded_for: config.auth.trust_forwarded_for,
        },
    })
}

/// This server's Slack OAuth callback at `address` (loopback when bound to every interface).
fn callback_url(address: std::net::SocketAddr) -> String {
    let host = match address.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}/api/chat/oauth/slack/callback", address.port())
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
    let queue = switchboard_postgres::PgJobQueue::new(pool.clone(), url);
    if let Err(e) = crate::jobs::schedule_recurring(&queue, config).await {
        tracing::warn!(error = %e, "cannot schedule the recurring jobs");
    }
    let deps = app_deps(config, pool.clone(), queue.clone())?;
    let context = crate::jobs::JobContext {
        chat: deps.chat.get_ref().clone(),
        stats: deps.stats.get_ref().clone(),
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
    let server = switchboard_http::serve(listener, deps.clone(), options)?;
    tracing::info!(
        api = %format!("http://{address}"),
        docs = %format!("http://{address}/docs/"),
        workers = options.workers,
        "listening"
    );
    let demo = match &sandbox {
        Some(running) if config.sandbox.demo.enabled => {
            let identity = crate::ports::identity(pool, &config.auth)?;
            let service = DemoService::new(identity, deps.chat.get_ref().clone());
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
