//! Checks a local scale-out started by `scripts/cluster.sh start` (3 `serve`, 2 `worker`):
//!
//! - sign-ups, logins and reads spread over the three servers (a token from one works on all);
//! - failed logins spread over the three servers hit the throttle as if on one;
//! - requests/s against one server and against three;
//! - jobs/s with two workers and with one; every job completes exactly once;
//! - an event consumer's checkpoint only moves forward and catches up while two workers run it;
//! - one `serve` and one `worker` killed with SIGKILL mid-run: the others carry on and the
//!   killed worker's jobs complete after their lease.
//!
//! `cargo run --example cluster_check` (after `scripts/cluster.sh start`), or `make
//! cluster-check`. With `soak` as its argument it runs the soak instead (`make soak`): a mixed
//! load at SOAK_RATE requests/s for SOAK_SECS, sampling each process's RSS, PostgreSQL's
//! connections and the p99 every SOAK_SAMPLE_SECS, failing on any error.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a driver: fail loudly")]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::Mutex;

type Failures = Arc<std::sync::Mutex<Vec<String>>>;

struct Cluster {
    dir: PathBuf,
    servers: Vec<String>,
    http: reqwest::Client,
    db: tokio_postgres::Client,
    demo_password: String,
    failures: Failures,
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Cluster {
    async fn connect() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = root.join(".data/cluster");
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
            std::fs::read_to_string(dir.join("database_url"))
                .expect("scripts/cluster.sh start first")
                .trim()
                .to_owned()
        });
        let (db, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let port = env_or("CLUSTER_PORT", 8101);
        Self {
            dir,
            servers: (0..3).map(|n| format!("http://127.0.0.1:{}", port + n)).collect(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap(),
            db,
            demo_password: std::env::var("CLUSTER_DEMO_PASSWORD")
                .unwrap_or_else(|_| "cluster demo password".to_owned()),
            failures: Failures::default(),
        }
    }

    fn fail(&self, what: String) {
        eprintln!("FAIL: {what}");
        self.failures.lock().unwrap().push(what);
    }

    fn check(&self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.fail(what());
        }
    }

    fn pid(&self, name: &str) -> Option<u32> {
        std::fs::read_to_string(self.dir.join(format!("{name}.pid"))).ok()?.trim().parse().ok()
    }

    async fn login(&self, server: &str, email: &str, password: &str) -> reqwest::Response {
        self.http
            .post(format!("{server}/api/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// The demo user's token, once serve-1 has seeded and synced it.
    async fn demo_token(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let res = self.login(&self.servers[0], "demo@switchboard.example", &self.demo_password);
            if let Ok(res) = tokio::time::timeout(Duration::from_secs(30), res).await
                && res.status() == 200
            {
                let body: Value = res.json().await.unwrap();
                return body["data"]["access_token"].as_str().unwrap().to_owned();
            }
            assert!(Instant::now() < deadline, "the demo account is not ready");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    async fn get(&self, server: &str, path: &str, token: &str) -> reqwest::Result<Value> {
        self.http.get(format!("{server}{path}")).bearer_auth(token).send().await?.json().await
    }
}

/// Closed-loop load: `clients` tasks, each sending its next GET as soon as the last answered,
/// round `bases` × `paths`, for `length`. Returns (requests, failures, per second).
async fn closed_loop(
    http: &reqwest::Client,
    bases: &[String],
    paths: &[String],
    token: &str,
    clients: usize,
    length: Duration,
) -> (usize, usize, f64) {
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..clients {
        let (http, done, failed) = (http.clone(), done.clone(), failed.clone());
        let urls: Vec<String> =
            bases.iter().flat_map(|b| paths.iter().map(move |p| format!("{b}{p}"))).collect();
        let token = token.to_owned();
        tasks.spawn(async move {
            let mut n = client;
            while started.elapsed() < length {
                let url = &urls[n % urls.len()];
                n += 1;
                match http.get(url).bearer_auth(&token).send().await {
                    Ok(res) if res.status().is_success() => {
                        let _ = res.bytes().await;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    other => {
                        if failed.fetch_add(1, Ordering::Relaxed) < 3 {
                            let why = match other {
                                Ok(res) => res.status().to_string(),
                                Err(e) => e.to_string(),
                            };
                            eprintln!("read of {url} failed: {why}");
                        }
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let requests = done.load(Ordering::Relaxed);
    (requests, failed.load(Ordering::Relaxed), requests as f64 / started.elapsed().as_secs_f64())
}

async fn signups_and_throttling(cluster: &Cluster) {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let password = "a long enough password 42";
    let users = env_or("CLUSTER_USERS", 12) as usize;
    for i in 0..users {
        let email = format!("cluster-{run}-{i}@example.com");
        let (a, b, c) =
            (&cluster.servers[i % 3], &cluster.servers[(i + 1) % 3], &cluster.servers[(i + 2) % 3]);
        let res = cluster
            .http
            .post(format!("{a}/api/auth/register"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        cluster.check(res.status() == 201, || format!("register on {a}: {}", res.status()));
        let res = cluster.login(b, &email, password).await;
        cluster.check(res.status() == 200, || format!("login on {b}: {}", res.status()));
        let body: Value = res.json().await.unwrap_or_default();
        let token = body["data"]["access_token"].as_str().unwrap_or_default();
        let me = cluster.get(c, "/api/me", token).await.unwrap_or_default();
        cluster.check(me["data"]["email"] == email.as_str(), || format!("/api/me on {c}: {me}"));
    }
    println!("sign-ups: {users} registered, logged in and read, each over three servers");

    // One account, wrong passwords from one address, round the three servers: the throttle is
    // in PostgreSQL, so the sixth attempt is refused wherever it lands.
    let email = format!("cluster-{run}-throttled@example.com");
    let res = cluster
        .http
        .post(format!("{}/api/auth/register", cluster.servers[0]))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    cluster.check(res.status() == 201, || format!("register: {}", res.status()));
    // `auth.limits.failed_per_account_ip` failures are free; the next one makes the pair wait
    // (failed_delay_secs), so the one after is refused. Per process, it would take three times
    // as many.
    let free = env_or("CLUSTER_FAILED_PER_ACCOUNT_IP", 5) as usize;
    let mut statuses = Vec::new();
    for attempt in 0..=free + 1 {
        let server = &cluster.servers[attempt % 3];
        statuses.push(cluster.login(server, &email, "wrong password").await.status().as_u16());
    }
    let expected: Vec<u16> = std::iter::repeat_n(401, free + 1).chain([429]).collect();
    cluster.check(statuses == expected, || {
        format!("failed logins over 3 servers: {statuses:?}, expected {expected:?}")
    });
    println!("login throttling: {statuses:?} over three servers (one limit)");
}

async fn throughput(cluster: &Cluster, token: &str) {
    let channels = cluster.get(&cluster.servers[0], "/api/chat/channels", token).await.unwrap();
    let mut paths = vec!["/api/chat/channels".to_owned(), "/api/me".to_owned()];
    for channel in channels["data"]["channels"].as_array().unwrap().iter().take(4) {
        paths.push(format!("/api/chat/channels/{}/posts", channel["id"].as_str().unwrap()));
    }
    let clients = env_or("CLUSTER_CLIENTS", 12) as usize;
    let secs = Duration::from_secs(env_or("CLUSTER_LOAD_SECS", 8));
    let (n1, f1, one) =
        closed_loop(&cluster.http, &cluster.servers[..1], &paths, token, clients, secs).await;
    let (n3, f3, three) =
        closed_loop(&cluster.http, &cluster.servers, &paths, token, clients, secs).await;
    cluster.check(f1 + f3 == 0, || format!("reads failed: {f1} on one server, {f3} on three"));
    println!(
        "reads ({clients} clients, {}s each): 1 server {one:.0} req/s ({n1}), 3 servers {three:.0} req/s ({n3})",
        secs.as_secs()
    );
}

/// Enqueues `count` `system.sleep` jobs of `millis`, runnable in a second, through the queue's
/// table (one statement, so enqueueing does not pace the run); their ids and run_at.
async fn enqueue_sleeps(cluster: &Cluster, count: i64, millis: i64) -> (Vec<i64>, Instant) {
    let rows = cluster
        .db
        .query(
            "INSERT INTO jobs (job_type, payload, max_attempts, run_at)
             SELECT 'system.sleep', jsonb_build_object('millis', $1::bigint), 5,
                    now() + interval '1 second'
               FROM generate_series(1, $2::bigint)
             RETURNING id",
            &[&millis, &count],
        )
        .await
        .unwrap();
    let runnable = Instant::now() + Duration::from_secs(1);
    (rows.iter().map(|r| r.get::<_, i64>(0)).collect(), runnable)
}

/// Enqueues `count` `system.sleep` jobs one by one with `switchboard jobs enqueue`, as an
/// operator would (the binary of SWITCHBOARD_BIN); their ids.
fn enqueue_with_cli(cluster: &Cluster, count: usize) -> Vec<i64> {
    let Ok(bin) = std::env::var("SWITCHBOARD_BIN") else {
        println!("SWITCHBOARD_BIN unset: no jobs enqueued with the command line");
        return Vec::new();
    };
    let url = std::fs::read_to_string(cluster.dir.join("database_url")).unwrap();
    (0..count)
        .map(|_| {
            let out = std::process::Command::new(&bin)
                .args([
                    "jobs",
                    "enqueue",
                    "--type",
                    "system.sleep",
                    "--payload",
                    r#"{"millis": 50}"#,
                ])
                .env("SWITCHBOARD_PROFILE", "development")
                .env("SWITCHBOARD__LOG__FILTER", "warn")
                .env("DATABASE_URL", url.trim())
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            stdout
                .trim()
                .strip_prefix("enqueued job ")
                .and_then(|id| id.parse().ok())
                .unwrap_or_else(|| {
                    panic!("jobs enqueue: {stdout} {}", String::from_utf8_lossy(&out.stderr))
                })
        })
        .collect()
}

/// Waits until none of `ids` is left in the queue (completed jobs are deleted); seconds since
/// `from`, or None past `limit` or if one went dead.
async fn drained(cluster: &Cluster, ids: &[i64], from: Instant, limit: Duration) -> Option<f64> {
    loop {
        let row = cluster
            .db
            .query_one(
                "SELECT count(*), count(*) FILTER (WHERE state = 'dead') FROM jobs WHERE id = ANY($1)",
                &[&ids],
            )
            .await
            .unwrap();
        let (left, dead): (i64, i64) = (row.get(0), row.get(1));
        if dead > 0 {
            cluster.fail(format!("{dead} jobs went dead"));
            return None;
        }
        if left == 0 {
            return Some(from.elapsed().as_secs_f64());
        }
        if from.elapsed() > limit {
            cluster.fail(format!("{left} of {} jobs still queued after {limit:?}", ids.len()));
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One `job started`/`job finished` line of a worker's log.
struct Run {
    worker: String,
    finished: bool,
    at: chrono::DateTime<chrono::Utc>,
}

fn job_runs(dir: &Path) -> HashMap<i64, Vec<Run>> {
    let mut runs: HashMap<i64, Vec<Run>> = HashMap::new();
    for worker in ["worker-1", "worker-2"] {
        let Ok(log) = std::fs::read_to_string(dir.join(format!("{worker}.log"))) else { continue };
        for line in log.lines() {
            let Ok(entry) = serde_json::from_str::<Value>(line) else { continue };
            let finished = match entry["fields"]["message"].as_str() {
                Some("job started") => false,
                Some("job finished") => true,
                _ => continue,
            };
            let (Some(id), Some(at)) = (entry["span"]["id"].as_i64(), entry["timestamp"].as_str())
            else {
                continue;
            };
            let at = chrono::DateTime::parse_from_rfc3339(at).unwrap().to_utc();
            runs.entry(id).or_default().push(Run { worker: worker.to_owned(), finished, at });
        }
    }
    runs
}

/// Every job of `ids` finished exactly once, except one whose first run was on the killed
/// worker and finished before the kill without its completion being recorded (it runs again:
/// at-least-once); no second run started while the first could still be running.
fn exactly_once(
    cluster: &Cluster,
    ids: &[i64],
    killed: Option<(&str, chrono::DateTime<chrono::Utc>)>,
) -> usize {
    let runs = job_runs(&cluster.dir);
    let mut rerun = 0;
    for id in ids {
        let list = runs.get(id).map(Vec::as_slice).unwrap_or_default();
        let finishes: Vec<&Run> = list.iter().filter(|r| r.finished).collect();
        let on_killed = |r: &&Run| killed.is_some_and(|(w, at)| r.worker == w && r.at <= at);
        let survivors: Vec<&&Run> = finishes.iter().filter(|r| !on_killed(r)).collect();
        if finishes.is_empty() {
            cluster.fail(format!("job {id} never finished"));
            continue;
        }
        if survivors.len() > 1 || (survivors.is_empty() && finishes.len() > 1) {
            cluster.fail(format!("job {id} finished {} times", finishes.len()));
        }
        let starts: Vec<&Run> = list.iter().filter(|r| !r.finished).collect();
        if starts.len() > 1 {
            // Only a job the killed worker held may start again, and only after the kill.
            let Some((worker, at)) = killed else {
                cluster.fail(format!("job {id} started {} times", starts.len()));
                continue;
            };
            let first_on_killed = starts.iter().any(|r| r.worker == worker);
            let again_after = starts.iter().filter(|r| r.worker != worker).all(|r| r.at > at);
            if !(first_on_killed && again_after) {
                cluster.fail(format!("job {id} ran twice at once"));
            }
            rerun += 1;
        }
    }
    rerun
}

/// Every event consumer's checkpoint, (tx, id) by name.
async fn checkpoints(cluster: &Cluster) -> BTreeMap<String, (i64, i64)> {
    cluster
        .db
        .query("SELECT name, coalesce(tx_id, 0), coalesce(event_id, 0) FROM event_consumers", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect()
}

fn kill(cluster: &Cluster, name: &str) {
    let pid = cluster.pid(name).expect("a pid file");
    let status = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    assert!(status.unwrap().success(), "kill {name}");
}

async fn jobs(cluster: &Cluster, token: &str) {
    let count = env_or("CLUSTER_JOBS", 300) as i64;
    let millis = env_or("CLUSTER_JOB_MILLIS", 100) as i64;
    let limit = Duration::from_secs(180);

    // The consumers' checkpoints, watched for a step back while the workers run them.
    let watching = Arc::new(Mutex::new(true));
    let backwards = Arc::new(AtomicUsize::new(0));
    let watcher = {
        let url = std::fs::read_to_string(cluster.dir.join("database_url")).unwrap();
        let (db, connection) =
            tokio_postgres::connect(url.trim(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let (watching, backwards) = (watching.clone(), backwards.clone());
        tokio::spawn(async move {
            let mut last: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            let mut samples = 0;
            while *watching.lock().await {
                for row in db
                    .query("SELECT name, coalesce(tx_id, 0), coalesce(event_id, 0) FROM event_consumers", &[])
                    .await
                    .unwrap()
                {
                    let (name, now): (String, (i64, i64)) = (row.get(0), (row.get(1), row.get(2)));
                    if last.get(&name).is_some_and(|before| now < *before) {
                        backwards.fetch_add(1, Ordering::Relaxed);
                    }
                    last.insert(name, now);
                }
                samples += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            samples
        })
    };

    // Chat syncs through one server, besides the sleeps: they append events for the consumers.
    let sources = cluster.get(&cluster.servers[0], "/api/chat/sources", token).await.unwrap();
    let mut syncs = 0;
    for source in sources["data"]["sources"].as_array().unwrap() {
        let id = source["id"].as_str().unwrap();
        let res = cluster
            .http
            .post(format!("{}/api/chat/sources/{id}/sync", cluster.servers[0]))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        cluster.check(res.status() == 202, || format!("sync {id}: {}", res.status()));
        syncs += 1;
    }

    let by_cli = enqueue_with_cli(cluster, 20);
    let (mut ids, from) = enqueue_sleeps(cluster, count, millis).await;
    let two = drained(cluster, &ids, from, limit).await;
    drained(cluster, &by_cli, Instant::now(), limit).await;
    ids.extend(&by_cli);
    let reruns = exactly_once(cluster, &ids, None);
    cluster.check(reruns == 0, || format!("{reruns} jobs ran twice with no worker killed"));
    println!(
        "exactly once: {} jobs ({} by `switchboard jobs enqueue`), each finished once",
        ids.len(),
        by_cli.len()
    );
    if let Some(secs) = two {
        println!(
            "jobs ({count} × {millis} ms sleeps): 2 workers {:.0} jobs/s",
            count as f64 / secs
        );
    }

    // Kill one worker and one server while jobs run.
    let (ids, from) = enqueue_sleeps(cluster, count, millis.max(200)).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let held: i64 = cluster
            .db
            .query_one(
                "SELECT count(*) FROM jobs WHERE id = ANY($1) AND locked_by LIKE '%:' || $2 || ':%'",
                &[&ids, &cluster.pid("worker-2").unwrap().to_string()],
            )
            .await
            .unwrap()
            .get(0);
        if held > 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill(cluster, "worker-2");
    kill(cluster, "serve-3");
    let killed_at = chrono::Utc::now();
    println!("killed worker-2 and serve-3 (SIGKILL) with jobs in hand");
    for server in &cluster.servers[..2] {
        let res = cluster.get(server, "/api/chat/channels", token).await;
        cluster.check(res.is_ok_and(|v| v["status"] == "success"), || {
            format!("{server} after the kill")
        });
    }
    let refused = cluster.get(&cluster.servers[2], "/healthz", token).await;
    cluster.check(refused.is_err(), || "serve-3 still answers after SIGKILL".to_owned());
    let after_kill = drained(cluster, &ids, from, limit).await;
    let reruns = exactly_once(cluster, &ids, Some(("worker-2", killed_at)));
    if let Some(secs) = after_kill {
        println!(
            "after the kill: all {count} jobs done in {secs:.1}s; {reruns} of the killed worker's ran again after its lease"
        );
    }

    // One worker left.
    let (ids, from) = enqueue_sleeps(cluster, count, millis).await;
    let one = drained(cluster, &ids, from, limit).await;
    let reruns = exactly_once(cluster, &ids, None);
    cluster.check(reruns == 0, || format!("{reruns} jobs ran twice on one worker"));
    if let Some(secs) = one {
        println!("jobs ({count} × {millis} ms sleeps): 1 worker {:.0} jobs/s", count as f64 / secs);
    }
    cluster.check(syncs > 0, || "no chat source to sync".to_owned());

    // The consumers catch up with the newest event (the stats update runs them).
    let deadline = Instant::now() + Duration::from_secs(120);
    let newest: i64 =
        cluster.db.query_one("SELECT coalesce(max(id), 0) FROM events", &[]).await.unwrap().get(0);
    loop {
        let behind: Vec<String> = checkpoints(cluster)
            .await
            .into_iter()
            .filter(|(_, (_, id))| *id < newest)
            .map(|(name, _)| name)
            .collect();
        if behind.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            cluster.fail(format!("consumers behind event {newest}: {behind:?}"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    *watching.lock().await = false;
    let samples = watcher.await.unwrap();
    let back = backwards.load(Ordering::Relaxed);
    cluster.check(back == 0, || format!("a consumer checkpoint moved back {back} times"));
    println!(
        "event consumers: checkpoints never moved back over {samples} samples, caught up with event {newest}"
    );
}

/// The resident set of `pid`, in MiB.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

fn p99(latencies: &mut [f64]) -> f64 {
    if latencies.is_empty() {
        return 0.0;
    }
    latencies.sort_by(f64::total_cmp);
    latencies[((latencies.len() as f64 * 0.99).ceil() as usize).saturating_sub(1)]
}

async fn soak(cluster: Arc<Cluster>) {
    let secs = env_or("SOAK_SECS", 600);
    let rate = env_or("SOAK_RATE", 100).max(1);
    let sample = Duration::from_secs(env_or("SOAK_SAMPLE_SECS", 60).max(1));
    let token = Arc::new(cluster.demo_token().await);
    // The demo's first syncs done: its sources and channels are the ones the load reads.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let sources = cluster.get(&cluster.servers[0], "/api/chat/sources", &token).await;
        let listed = sources.ok().and_then(|s| s["data"]["sources"].as_array().cloned());
        if listed.is_some_and(|s| !s.is_empty() && s.iter().all(|s| s["status"] == "active")) {
            break;
        }
        assert!(Instant::now() < deadline, "the demo's sources did not finish their first sync");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let channels = cluster.get(&cluster.servers[0], "/api/chat/channels", &token).await.unwrap();
    let channels: Arc<Vec<String>> = Arc::new(
        channels["data"]["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect(),
    );
    let sources = cluster.get(&cluster.servers[0], "/api/chat/sources", &token).await.unwrap();
    let sources: Arc<Vec<String>> = Arc::new(
        sources["data"]["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect(),
    );
    let names = ["serve-1", "serve-2", "serve-3", "worker-1", "worker-2"];
    println!("soak: {rate} requests/s for {secs}s, a sample every {}s", sample.as_secs());
    println!("sample  requests errors  p99_ms  pg_conns  rss_mib({})", names.join(","));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::<f64>::new()));
    // The whole run's latencies by kind of request, printed at the end.
    let by_kind = Arc::new(std::sync::Mutex::new(BTreeMap::<&'static str, Vec<f64>>::new()));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let mut next_sample = started + sample;
    let mut minute = 0;
    let mut n: usize = 0;
    let mut in_flight = tokio::task::JoinSet::new();
    while started.elapsed() < Duration::from_secs(secs) {
        tick.tick().await;
        n += 1;
        let (c, token, channels, sources) =
            (cluster.clone(), token.clone(), channels.clone(), sources.clone());
        let (l, e, k) = (latencies.clone(), errors.clone(), by_kind.clone());
        in_flight.spawn(async move {
            let server = &c.servers[n % 3];
            let channel = &channels[n % channels.len()];
            let at = Instant::now();
            // Of every 20: 11 reads, 3 logins, 4 analytics, 2 syncs.
            let (kind, request) = match n % 20 {
                0..=10 if n.is_multiple_of(2) => {
                    ("channels", c.http.get(format!("{server}/api/chat/channels")))
                }
                0..=10 => {
                    ("posts", c.http.get(format!("{server}/api/chat/channels/{channel}/posts")))
                }
                11..=13 => (
                    "login",
                    c.http.post(format!("{server}/api/auth/login")).json(
                        &json!({"email": "demo@switchboard.example", "password": c.demo_password}),
                    ),
                ),
                14..=15 => ("pulse", c.http.get(format!("{server}/api/stats/pulse"))),
                16..=17 => {
                    ("channel pulse", c.http.get(format!("{server}/api/stats/pulse/{channel}")))
                }
                _ => (
                    "sync",
                    c.http.post(format!(
                        "{server}/api/chat/sources/{}/sync",
                        sources[n % sources.len()]
                    )),
                ),
            };
            let res = request.bearer_auth(token.as_str()).send().await;
            let failure = match res {
                Ok(res) => {
                    let status = res.status();
                    let body = res.bytes().await.unwrap_or_default();
                    (!status.is_success())
                        .then(|| format!("{status} {}", String::from_utf8_lossy(&body)))
                }
                Err(e) => Some(e.to_string()),
            };
            let ok = failure.is_none();
            if let Some(why) = failure {
                // The first failure of each kind, so that an operator sees what failed.
                static TOLD: std::sync::Mutex<Vec<&str>> = std::sync::Mutex::new(Vec::new());
                let mut told = TOLD.lock().unwrap();
                if !told.contains(&kind) {
                    told.push(kind);
                    println!("first failed {kind}: {}", why.chars().take(300).collect::<String>());
                }
            }
            let ms = at.elapsed().as_secs_f64() * 1000.0;
            l.lock().unwrap().push(ms);
            k.lock().unwrap().entry(kind).or_default().push(ms);
            if !ok {
                e.fetch_add(1, Ordering::Relaxed);
            }
        });
        while in_flight.try_join_next().is_some() {}
        if Instant::now() >= next_sample {
            next_sample += sample;
            minute += 1;
            report(&cluster, minute, &names, &latencies, &errors).await;
        }
    }
    while in_flight.join_next().await.is_some() {}
    if !latencies.lock().unwrap().is_empty() {
        minute += 1;
        report(&cluster, minute, &names, &latencies, &errors).await;
    }
    let mut by_kind = std::mem::take(&mut *by_kind.lock().unwrap());
    let kinds: Vec<String> =
        by_kind.iter_mut().map(|(kind, l)| format!("{kind} {:.1}", p99(l))).collect();
    println!("p99 by request, ms: {}", kinds.join(", "));
}

async fn report(
    cluster: &Cluster,
    minute: usize,
    names: &[&str],
    latencies: &std::sync::Mutex<Vec<f64>>,
    errors: &AtomicUsize,
) {
    let mut window = std::mem::take(&mut *latencies.lock().unwrap());
    let failed = errors.swap(0, Ordering::Relaxed);
    let connections: i64 = cluster
        .db
        .query_one("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()", &[])
        .await
        .unwrap()
        .get(0);
    let rss: Vec<String> = names
        .iter()
        .map(|name| {
            cluster.pid(name).and_then(rss_mib).map_or("-".to_owned(), |m| format!("{m:.0}"))
        })
        .collect();
    println!(
        "{minute:>6}  {:>8} {failed:>6}  {:>6.1}  {connections:>8}  {}",
        window.len(),
        p99(&mut window),
        rss.join(",")
    );
    cluster.check(failed == 0, || format!("{failed} requests failed in sample {minute}"));
    cluster.check(rss.iter().all(|r| r != "-"), || format!("a process is gone: {rss:?}"));
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cluster = Arc::new(Cluster::connect().await);
    if std::env::args().nth(1).as_deref() == Some("soak") {
        soak(cluster.clone()).await;
    } else {
        let token = cluster.demo_token().await;
        signups_and_throttling(&cluster).await;
        throughput(&cluster, &token).await;
        jobs(&cluster, &token).await;
    }
    let failures = cluster.failures.lock().unwrap();
    if failures.is_empty() {
        println!("cluster check: all passed");
        std::process::ExitCode::SUCCESS
    } else {
        println!("cluster check: {} failed", failures.len());
        std::process::ExitCode::FAILURE
    }
}
