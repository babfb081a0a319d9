//! `switchboard worker`: background job worker loops, until SIGTERM or SIGINT.

use secrecy::ExposeSecret;
use switchboard_postgres::PgJobQueue;
use tokio::sync::watch;

use crate::config::Config;
use crate::error::AppError;
use crate::jobs::{JobContext, spawn_workers};

/// Runs worker loops until a stop signal, then finishes or gives back the jobs in hand.
///
/// # Errors
/// When the pool cannot be built or signals cannot be listened for.
pub async fn run(config: &Config) -> Result<(), AppError> {
    let url = config.database.url.expose_secret();
    let pool = switchboard_postgres::connect(url, config.database.pool_size)?;
    let identity = crate::ports::identity(pool.clone(), &config.auth)?;
    let context = JobContext::new(&identity, config)?;
    if config.metrics.enabled {
        let metrics = crate::metrics::Metrics::install()?;
        metrics.watch_pool("main", &pool);
        metrics
            .watch_database(
                &pool,
                std::time::Duration::from_secs(config.metrics.sample_interval_secs),
            )
            .await;
        let listen = config.metrics.worker_listen.trim();
        if !listen.is_empty() {
            let bound = metrics.serve_on(listen)?;
            tracing::info!(metrics = %format!("http://{bound}/metrics"), "metrics listening");
        }
    }
    let (queue, listener) = PgJobQueue::new(pool, url);
    tokio::spawn(listener.run());
    let (stop, shutdown) = watch::channel(false);
    let mut workers =
        spawn_workers(&queue, &config.jobs, config.jobs.workers.max(1), &shutdown, &context);
    tracing::info!(workers = workers.len(), "workers running");
    wait_for_signal().await?;
    tracing::info!("stop signal: finishing or giving back jobs in hand");
    let _ = stop.send(true);
    while workers.join_next().await.is_some() {}
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
///
/// # Errors
/// When signal handlers cannot be installed.
pub async fn wait_for_signal() -> Result<(), AppError> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = term.recv() => {}
        result = tokio::signal::ctrl_c() => result?,
    }
    Ok(())
}
