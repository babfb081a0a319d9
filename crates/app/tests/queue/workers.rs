//! Workers: every job done exactly once across workers, retries to dead, panics contained,
//! shutdown gives back what is unfinished, and a killed worker process loses nothing.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard_domain::{Backoff, JobState};
use switchboard_ports::{JobAdmin, JobQueue};
use switchboard_services::jobs::{
    BackgroundJob, JobError, JobRegistry, SleepJob, Worker, WorkerConfig, new_job,
};
use switchboard_test_support::TestDb;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, watch};

use crate::support::{count, enqueue, enqueue_many, queue, scalar, sql, total};

#[derive(Clone)]
struct Ctx {
    db: Arc<tokio_postgres::Client>,
    events: mpsc::UnboundedSender<String>,
}

/// Records that it ran (no uniqueness in the table: a second run would show).
#[derive(Serialize, Deserialize)]
struct Record {
    key: String,
}

impl BackgroundJob for Record {
    const JOB_TYPE: &'static str = "test.record";
    type Context = Ctx;

    async fn run(&self, ctx: &Ctx) -> Result<(), JobError> {
        ctx.db
            .execute("INSERT INTO job_runs (key) VALUES ($1)", &[&self.key])
            .await
            .map_err(|e| JobError::new(e.to_string()))?;
        let _ = ctx.events.send(self.key.clone());
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct AlwaysFails;

impl BackgroundJob for AlwaysFails {
    const JOB_TYPE: &'static str = "test.fails";
    const MAX_ATTEMPTS: u32 = 3;
    type Context = Ctx;

    async fn run(&self, ctx: &Ctx) -> Result<(), JobError> {
        let _ = ctx.events.send("attempt".into());
        Err(JobError::new("the provider said no"))
    }
}

#[derive(Serialize, Deserialize)]
struct Panics;

impl BackgroundJob for Panics {
    const JOB_TYPE: &'static str = "test.panics";
    const MAX_ATTEMPTS: u32 = 1;
    type Context = Ctx;

    #[expect(clippy::panic, reason = "the job exists to panic")]
    async fn run(&self, ctx: &Ctx) -> Result<(), JobError> {
        let _ = ctx.events.send("panicking".into());
        panic!("job bug")
    }
}

/// Throttled: asks to be retried in an hour (a provider's `Retry-After`).
#[derive(Serialize, Deserialize)]
struct Throttled;

impl BackgroundJob for Throttled {
    const JOB_TYPE: &'static str = "test.throttled";
    const MAX_ATTEMPTS: u32 = 2;
    type Context = Ctx;

    async fn run(&self, ctx: &Ctx) -> Result<(), JobError> {
        let _ = ctx.events.send("throttled".into());
        Err(JobError::new("rate limited").retry_after(Duration::from_secs(3600)))
    }
}

/// Never finishes by itself.
#[derive(Serialize, Deserialize)]
struct Hangs;

impl BackgroundJob for Hangs {
    const JOB_TYPE: &'static str = "test.hangs";
    type Context = Ctx;

    async fn run(&self, ctx: &Ctx) -> Result<(), JobError> {
        let _ = ctx.events.send("started".into());
        std::future::pending().await
    }
}

struct Harness {
    db: TestDb,
    uow: switchboard_postgres::PgUnitOfWork,
    queue: switchboard_postgres::PgJobQueue,
    events: mpsc::UnboundedReceiver<String>,
    ctx: Ctx,
    stop: watch::Sender<bool>,
    workers: tokio::task::JoinSet<()>,
}

fn config(index: usize) -> WorkerConfig {
    WorkerConfig {
        id: format!("test-worker-{index}"),
        concurrency: 4,
        lease: Duration::from_secs(60),
        poll_interval: Duration::from_millis(20),
        backoff: Backoff { base: Duration::from_millis(1), max: Duration::from_millis(5) },
        shutdown_grace: Duration::ZERO,
    }
}

impl Harness {
    async fn new() -> Self {
        let db = TestDb::migrated().await;
        sql(&db, "CREATE TABLE job_runs (key text NOT NULL)").await;
        let (uow, queue) = queue(&db);
        let (sender, events) = mpsc::unbounded_channel();
        let ctx = Ctx { db: Arc::new(db.client().await), events: sender };
        let (stop, _) = watch::channel(false);
        Self { db, uow, queue, events, ctx, stop, workers: tokio::task::JoinSet::new() }
    }

    fn start_workers(&mut self, n: usize) {
        let registry = Arc::new(
            JobRegistry::new()
                .register::<Record>()
                .register::<AlwaysFails>()
                .register::<Panics>()
                .register::<Throttled>()
                .register::<Hangs>(),
        );
        for i in 0..n {
            let worker =
                Worker::new(self.queue.clone(), registry.clone(), self.ctx.clone(), config(i));
            self.workers.spawn(worker.run(self.stop.subscribe()));
        }
    }

    async fn next_event(&mut self) -> String {
        self.events.recv().await.unwrap()
    }

    /// Stops the workers and waits until every one has recorded its jobs' outcomes.
    async fn stop(&mut self) {
        self.stop.send(true).unwrap();
        while let Some(result) = self.workers.join_next().await {
            result.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn n_workers_do_m_jobs_each_exactly_once() {
    let mut h = Harness::new().await;
    const JOBS: usize = 300;
    let jobs = (0..JOBS).map(|i| new_job(&Record { key: format!("k{i}") }).unwrap()).collect();
    enqueue_many(&h.uow, jobs).await;
    h.start_workers(4);
    for _ in 0..JOBS {
        h.next_event().await;
    }
    h.stop().await;
    assert_eq!(scalar(&h.db, "SELECT count(*) FROM job_runs").await, JOBS as i64);
    assert_eq!(scalar(&h.db, "SELECT count(DISTINCT key) FROM job_runs").await, JOBS as i64);
    assert_eq!(total(&h.queue).await, 0, "completed jobs leave the queue");
}

#[tokio::test(flavor = "multi_thread")]
async fn workers_wake_on_notify_for_jobs_enqueued_while_idle() {
    let mut h = Harness::new().await;
    h.start_workers(2);
    for i in 0..20 {
        enqueue(&h.uow, new_job(&Record { key: format!("late{i}") }).unwrap()).await.unwrap();
        assert_eq!(h.next_event().await, format!("late{i}"));
    }
    h.stop().await;
    assert_eq!(scalar(&h.db, "SELECT count(*) FROM job_runs").await, 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_that_keeps_failing_is_retried_then_dead_with_its_error() {
    let mut h = Harness::new().await;
    let id = enqueue(&h.uow, new_job(&AlwaysFails).unwrap()).await.unwrap();
    h.start_workers(2);
    for _ in 0..3 {
        assert_eq!(h.next_event().await, "attempt");
    }
    h.stop().await;
    let dead = h.queue.list(Some(JobState::Dead), None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].id, dead[0].attempts), (id, 3));
    assert_eq!(dead[0].last_error.as_deref(), Some("the provider said no"));
    assert!(h.events.try_recv().is_err(), "no fourth attempt");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_with_retry_after_is_rescheduled_no_sooner_then_dead_after_its_attempts() {
    let mut h = Harness::new().await;
    let id = enqueue(&h.uow, new_job(&Throttled).unwrap()).await.unwrap();
    h.start_workers(1);
    assert_eq!(h.next_event().await, "throttled");
    // The worker's backoff is a few milliseconds: only the hour asked for keeps it waiting.
    // Wait for the attempt's outcome to be recorded (completions are written in batches).
    let failed = loop {
        let failed = h.queue.list(Some(JobState::Failed), None, 10).await.unwrap();
        if !failed.is_empty() {
            break failed;
        }
        tokio::task::yield_now().await;
    };
    assert!(h.events.try_recv().is_err(), "retried before its Retry-After");
    assert_eq!((failed[0].id, failed[0].attempts), (id, 1));
    assert_eq!(failed[0].last_error.as_deref(), Some("rate limited"));
    let wait = scalar(&h.db, "SELECT extract(epoch FROM run_at - now())::bigint FROM jobs").await;
    assert!((3590..=3960).contains(&wait), "run_at in {wait} s, not after the hour (+10 %)");

    // The hour passes: the last attempt runs, fails, and the job is dead with its error.
    sql(&h.db, "UPDATE jobs SET run_at = now()").await;
    assert_eq!(h.next_event().await, "throttled");
    h.stop().await;
    let dead = h.queue.list(Some(JobState::Dead), None, 10).await.unwrap();
    assert_eq!((dead[0].id, dead[0].attempts), (id, 2));
    assert_eq!(dead[0].last_error.as_deref(), Some("rate limited"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_job_fails_without_taking_the_worker_down() {
    let mut h = Harness::new().await;
    enqueue(&h.uow, new_job(&Panics).unwrap()).await.unwrap();
    h.start_workers(1);
    assert_eq!(h.next_event().await, "panicking");
    enqueue(&h.uow, new_job(&Record { key: "after".into() }).unwrap()).await.unwrap();
    assert_eq!(h.next_event().await, "after", "the same worker goes on");
    h.stop().await;
    let dead = h.queue.list(Some(JobState::Dead), None, 10).await.unwrap();
    assert_eq!(dead[0].last_error.as_deref(), Some("the job panicked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_gives_back_an_unfinished_job() {
    let mut h = Harness::new().await;
    let id = enqueue(&h.uow, new_job(&Hangs).unwrap()).await.unwrap();
    h.start_workers(1);
    assert_eq!(h.next_event().await, "started");
    assert_eq!(count(&h.queue, JobState::Running).await, 1);
    h.stop().await;
    let queued = h.queue.list(Some(JobState::Queued), None, 10).await.unwrap();
    assert_eq!((queued[0].id, queued[0].attempts, queued[0].locked_by.clone()), (id, 0, None));
}

/// A worker process killed with SIGKILL mid-job: the job runs again once its lease is over.
#[tokio::test(flavor = "multi_thread")]
async fn a_killed_worker_process_loses_no_job() {
    let h = Harness::new().await;
    let id = enqueue(&h.uow, new_job(&SleepJob { millis: 3_600_000 }).unwrap()).await.unwrap();
    let spawn_worker = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .arg("worker")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SWITCHBOARD_PROFILE", "test")
            .env("DATABASE_URL", h.db.url())
            .env("SWITCHBOARD__LOG__FORMAT", "json")
            .env("SWITCHBOARD__LOG__FILTER", "switchboard_services=debug,warn")
            .env("SWITCHBOARD__JOBS__POLL_INTERVAL_MS", "50")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    };
    // Log lines name the job in their span (`job started`) or in their fields (`job completed`,
    // written once the completion is stored).
    let wait_for = |child: &mut tokio::process::Child, message: &'static str| {
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        async move {
            loop {
                let line = lines.next_line().await.unwrap().expect("worker exited");
                let log: serde_json::Value = serde_json::from_str(&line).unwrap();
                let about_job = log["span"]["id"] == id || log["fields"]["job"] == id;
                if log["fields"]["message"] == message && about_job {
                    return lines;
                }
            }
        }
    };

    let mut first = spawn_worker();
    let _ = wait_for(&mut first, "job started").await;
    let pid = first.id().unwrap().to_string();
    assert!(
        tokio::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .await
            .unwrap()
            .success()
    );
    first.wait().await.unwrap();
    assert_eq!(count(&h.queue, JobState::Running).await, 1, "the dead worker still holds it");

    // Its lease runs out (without waiting 30 s); make the rerun quick.
    sql(
        &h.db,
        "UPDATE jobs SET lease_until = now() - interval '1 second', payload = '{\"millis\": 0}'",
    )
    .await;
    let mut second = spawn_worker();
    let _ = wait_for(&mut second, "job completed").await;
    assert_eq!(total(&h.queue).await, 0, "the job ran to completion on the second worker");
    assert!(h.queue.reap_expired().await.unwrap() == 0);
}
