//! Event log and job queue figures, for `make bench` (run it with a release build against a
//! migrated database in `DATABASE_URL`; it empties that database's `jobs` table):
//!
//! - event appends per second inside ordinary use-case transactions;
//! - no-op jobs enqueued and completed per second with 2 workers;
//! - time from enqueue (commit) to start when workers are idle, p50 and p99.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark program")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use switchboard_domain::{Backoff, NewEvent};
use switchboard_ports::{StoreError, Transaction, UnitOfWork};
use switchboard_postgres::{PgJobQueue, PgUnitOfWork};
use switchboard_services::jobs::{
    BackgroundJob, JobError, JobRegistry, Worker, WorkerConfig, new_job,
};
use tokio::sync::{mpsc, watch};

#[derive(Serialize, Deserialize)]
struct Ping;

impl BackgroundJob for Ping {
    const JOB_TYPE: &'static str = "bench.ping";
    type Context = mpsc::UnboundedSender<Instant>;

    async fn run(&self, started: &Self::Context) -> Result<(), JobError> {
        let _ = started.send(Instant::now());
        Ok(())
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let pool = switchboard_postgres::connect(&url, 32).unwrap();
    let uow = PgUnitOfWork::new(pool.clone());
    let (queue, listener) = PgJobQueue::new(pool.clone(), &url);
    tokio::spawn(listener.run());
    {
        use diesel_async::RunQueryDsl;
        let mut conn = pool.get().await.unwrap();
        diesel::sql_query("DELETE FROM jobs").execute(&mut conn).await.unwrap();
    }

    // 1. Event appends: 8 concurrent clients, each transaction appends 3 events.
    let clients = 8;
    let per_client = 1_000;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..clients {
        let uow = uow.clone();
        tasks.spawn(async move {
            for i in 0..per_client {
                uow.transact(move |tx| {
                    Box::pin(async move {
                        let id = format!("{c}-{i}");
                        tx.append_events(vec![
                            NewEvent::added("bench", id.clone(), serde_json::json!({"n": i})),
                            NewEvent::changed("bench", id.clone(), "n", i, i + 1),
                            NewEvent::deleted("bench", id),
                        ])
                        .await
                    })
                })
                .await
                .unwrap();
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed().as_secs_f64();
    let transactions = (clients * per_client) as f64;
    println!(
        "event appends: {:.0} events/s ({:.0} transactions/s of 3 events, {clients} clients)",
        transactions * 3.0 / elapsed,
        transactions / elapsed
    );

    // 2. Throughput: 20,000 no-op jobs enqueued (batches of 100) while 2 workers complete them.
    let (sender, mut starts) = mpsc::unbounded_channel();
    let registry = Arc::new(JobRegistry::new().register::<Ping>());
    let (stop, shutdown) = watch::channel(false);
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..2 {
        let config = WorkerConfig {
            id: format!("bench-{w}"),
            concurrency: 32,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(1),
            backoff: Backoff::default(),
            shutdown_grace: Duration::from_secs(5),
        };
        workers.spawn(
            Worker::new(queue.clone(), registry.clone(), sender.clone(), config)
                .run(shutdown.clone()),
        );
    }
    let jobs = 20_000;
    let started = Instant::now();
    let producer = {
        let uow = uow.clone();
        tokio::spawn(async move {
            for _ in 0..jobs / 100 {
                uow.transact(|tx| {
                    Box::pin(async move {
                        for _ in 0..100 {
                            tx.enqueue(new_job(&Ping).unwrap()).await?;
                        }
                        Ok::<_, StoreError>(())
                    })
                })
                .await
                .unwrap();
            }
        })
    };
    for _ in 0..jobs {
        starts.recv().await.unwrap();
    }
    producer.await.unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    println!("jobs: {:.0} no-op jobs/s enqueued and completed, 2 workers", jobs as f64 / elapsed);

    // 3. Latency: one job at a time into idle workers, from commit to start.
    let mut latencies = Vec::new();
    for _ in 0..300 {
        // Let the workers finish recording and go idle on NOTIFY.
        tokio::time::sleep(Duration::from_millis(2)).await;
        let job = new_job(&Ping).unwrap();
        uow.transact(move |tx| Box::pin(async move { tx.enqueue(job).await })).await.unwrap();
        let committed = Instant::now();
        let started = starts.recv().await.unwrap();
        latencies.push(started.saturating_duration_since(committed));
    }
    latencies.sort();
    println!(
        "enqueue to start (idle workers): p50 {:.2} ms, p99 {:.2} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3
    );
    stop.send(true).unwrap();
    while workers.join_next().await.is_some() {}
}
