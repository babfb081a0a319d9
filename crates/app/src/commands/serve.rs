//! `switchboard serve`: wires the adapters into the services and runs the HTTP server.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::web;
use secrecy::ExposeSecret;
use switchboard_domain::ServiceInfo;
use switchboard_http::{AppDeps, HttpSettings, ServerOptions};
use switchboard_postgres::{PgReadiness, migrations};
use switchboard_services::HealthService;

use crate::config::Config;
use crate::error::AppError;

/// This build's name, version and commit.
pub fn service_info() -> ServiceInfo {
    ServiceInfo::new(
        "switchboard",
        env!("CARGO_PKG_VERSION"),
        option_env!("SWITCHBOARD_GIT_COMMIT"),
    )
}

/// Runs until SIGTERM or SIGINT, then drains in-flight requests.
///
/// # Errors
/// When migrations fail at start or the address cannot be bound.
pub async fn run(config: &Config) -> Result<(), AppError> {
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
    let mut workers =
        crate::jobs::spawn_workers(&queue, &config.jobs, config.jobs.workers_in_serve, &shutdown);
    let health = HealthService::new(PgReadiness::new(pool), service_info());
    let deps = AppDeps::<crate::ports::PgPorts> {
        health: web::Data::new(health),
        settings: HttpSettings {
            body_limit: config.server.body_limit_bytes,
            cors_origins: config.cors.allowed_origins.clone(),
            cors_max_age_secs: config.cors.max_age_secs,
        },
    };
    let listener = TcpListener::bind((config.server.host.as_str(), config.server.port))?;
    let address = listener.local_addr()?;
    let options = ServerOptions {
        workers: config.workers(),
        shutdown_timeout: Duration::from_secs(config.server.shutdown_timeout_secs),
    };
    let server = switchboard_http::serve(listener, deps, options)?;
    tracing::info!(
        api = %format!("http://{address}"),
        docs = %format!("http://{address}/docs/"),
        workers = options.workers,
        "listening"
    );
    let served = server.await;
    // The server has drained its requests; now the workers finish or give back their jobs.
    let _ = stop_workers.send(true);
    while workers.join_next().await.is_some() {}
    served?;
    tracing::info!("stopped");
    Ok(())
}
