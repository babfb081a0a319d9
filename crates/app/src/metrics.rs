//! Prometheus metrics: the process's recorder, its build info, and the figures read from the
//! connection pools and from the database at each scrape (the latter cached a few seconds). Requests, jobs, provider calls and the hashing queue record themselves through the
//! `metrics` facade where they happen.

use std::collections::{BTreeMap, HashSet};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use switchboard_http::MetricsEndpoint;
use switchboard_postgres::PgPool;
use switchboard_postgres::ops::{OpsSample, pool_status, sample};

use crate::error::AppError;

/// Request, provider-call and job-run latencies, in seconds.
const LATENCY_BUCKETS: [f64; 14] =
    [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];
/// Time from runnable to claimed, in seconds (a busy queue waits minutes).
const WAIT_BUCKETS: [f64; 12] =
    [0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0];

/// The process-wide recorder; installed once (tests may start several servers in one process).
static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

fn recorder() -> Result<PrometheusHandle, AppError> {
    RECORDER
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("switchboard_job_queue_wait_seconds".to_owned()),
                    &WAIT_BUCKETS,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Suffix("_seconds".to_owned()),
                        &LATENCY_BUCKETS,
                    )
                })
                .and_then(PrometheusBuilder::install_recorder)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| AppError::Command(format!("cannot install the metrics recorder: {e}")))
}

/// This process's metrics: render them, and the pools and database they watch.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    pools: Arc<Mutex<Vec<(&'static str, PgPool)>>>,
    database: Arc<tokio::sync::Mutex<Option<Sampled>>>,
}

/// The database figures and when they were last read.
struct Sampled {
    pool: PgPool,
    every: Duration,
    at: Option<Instant>,
    seen: Seen,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// Installs the recorder (once per process) and sets the build info.
    ///
    /// # Errors
    /// [`AppError::Command`] when another recorder is already installed.
    pub fn install() -> Result<Self, AppError> {
        let handle = recorder()?;
        metrics::gauge!(
            "switchboard_build_info",
            "version" => env!("CARGO_PKG_VERSION"),
            "git_sha" => option_env!("SWITCHBOARD_GIT_COMMIT").filter(|c| !c.is_empty()).unwrap_or("unknown"),
        )
        .set(1.0);
        Ok(Self { handle, pools: Arc::default(), database: Arc::default() })
    }

    /// Reports `pool` under `label` at each scrape (several pools may share a label: their
    /// figures are added up).
    pub fn watch_pool(&self, label: &'static str, pool: &PgPool) {
        self.pools.lock().unwrap_or_else(PoisonError::into_inner).push((label, pool.clone()));
    }

    /// Reads the database figures (job queue depth, event consumer lag, sync lag) through
    /// `pool` at a scrape, at most once every `every`; scrapes in between see the last ones.
    pub async fn watch_database(&self, pool: &PgPool, every: Duration) {
        *self.database.lock().await =
            Some(Sampled { pool: pool.clone(), every, at: None, seen: Seen::default() });
    }

    /// The page, now.
    pub async fn render(&self) -> String {
        self.set_pool_gauges();
        if let Some(sampled) = self.database.lock().await.as_mut() {
            let stale = sampled.at.is_none_or(|at| at.elapsed() >= sampled.every);
            if stale {
                sampled.at = Some(Instant::now());
                match tokio::time::timeout(Duration::from_secs(5), sample(&sampled.pool)).await {
                    Ok(Ok(sample)) => sampled.seen.publish(&sample),
                    Ok(Err(e)) => tracing::warn!(error = %e, "cannot read the database metrics"),
                    Err(_) => tracing::warn!("reading the database metrics timed out"),
                }
            }
        }
        self.handle.run_upkeep();
        self.handle.render()
    }

    /// `GET /metrics` for the HTTP server.
    pub fn endpoint(&self) -> MetricsEndpoint {
        let metrics = self.clone();
        MetricsEndpoint::new(move || {
            let metrics = metrics.clone();
            async move { metrics.render().await }
        })
    }

    fn set_pool_gauges(&self) {
        let mut sums: BTreeMap<&'static str, [usize; 4]> = BTreeMap::new();
        for (label, pool) in self.pools.lock().unwrap_or_else(PoisonError::into_inner).iter() {
            let (size, in_use, max, waiting) = pool_status(pool);
            let sum = sums.entry(label).or_default();
            for (total, value) in sum.iter_mut().zip([size, in_use, max, waiting]) {
                *total += value;
            }
        }
        for (label, [size, in_use, max, waiting]) in sums {
            metrics::gauge!("switchboard_db_pool_connections", "pool" => label).set(size as f64);
            metrics::gauge!("switchboard_db_pool_in_use", "pool" => label).set(in_use as f64);
            metrics::gauge!("switchboard_db_pool_max", "pool" => label).set(max as f64);
            metrics::gauge!("switchboard_db_pool_waiting", "pool" => label).set(waiting as f64);
        }
    }

    /// Serves `/metrics` alone on `address`; returns the bound address.
    ///
    /// # Errors
    /// [`AppError::Io`] when the address cannot be bound.
    pub fn serve_on(&self, address: &str) -> Result<std::net::SocketAddr, AppError> {
        let listener = TcpListener::bind(address)?;
        let bound = listener.local_addr()?;
        let server = switchboard_http::metrics_server(listener, self.endpoint())?;
        tokio::spawn(server);
        Ok(bound)
    }
}

/// The label sets published last time, so a group that vanished (no more dead jobs of a
/// type) drops to zero instead of keeping its last value.
#[derive(Debug, Default)]
struct Seen {
    jobs: HashSet<(String, String)>,
    consumers: HashSet<String>,
    syncs: HashSet<(String, String)>,
}

impl Seen {
    fn publish(&mut self, sample: &OpsSample) {
        let jobs: HashSet<(String, String)> =
            sample.jobs.iter().map(|j| (j.job_type.clone(), j.state.clone())).collect();
        for (job_type, state) in self.jobs.difference(&jobs) {
            metrics::gauge!("switchboard_jobs", "job_type" => job_type.clone(), "state" => state.clone())
                .set(0.0);
        }
        for job in &sample.jobs {
            metrics::gauge!("switchboard_jobs", "job_type" => job.job_type.clone(), "state" => job.state.clone())
                .set(job.count as f64);
        }
        self.jobs = jobs;

        let consumers: HashSet<String> = sample.consumers.iter().map(|c| c.name.clone()).collect();
        for name in self.consumers.difference(&consumers) {
            metrics::gauge!("switchboard_event_consumer_lag_events", "consumer" => name.clone())
                .set(0.0);
        }
        for consumer in &sample.consumers {
            metrics::gauge!("switchboard_event_consumer_lag_events", "consumer" => consumer.name.clone())
                .set(consumer.events as f64);
        }
        self.consumers = consumers;

        let syncs: HashSet<(String, String)> =
            sample.syncs.iter().map(|s| (s.kind.clone(), s.provider.clone())).collect();
        for (kind, provider) in self.syncs.difference(&syncs) {
            metrics::gauge!("switchboard_sync_lag_seconds", "kind" => kind.clone(), "provider" => provider.clone())
                .set(0.0);
        }
        for sync in &sample.syncs {
            metrics::gauge!("switchboard_sync_lag_seconds", "kind" => sync.kind.clone(), "provider" => sync.provider.clone())
                .set(sync.seconds);
        }
        self.syncs = syncs;
    }
}
