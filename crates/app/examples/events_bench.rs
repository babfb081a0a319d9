//! How fast changes reach clients: the live stream and webhooks, against the release binary.
//!
//! ```text
//! cargo build --release -p switchboard-app --bin switchboard --example events_bench
//! SWITCHBOARD_TEST_DATABASE_URL=$(scripts/db.sh url --admin) \
//!     target/release/examples/events_bench
//! ```
//!
//! A fresh database; one `switchboard serve` and one `switchboard worker` process (the binary
//! next to this program, or `SWITCHBOARD_BIN`), so events cross processes as they do in a
//! deployment: this program commits them, the server hears of them through PostgreSQL.
//!
//! 1. **Stream**: `EVENTS_BENCH_STREAMS` (1,000) `GET /api/stream` connections of one user, the
//!    server's resident memory before and after them; then `EVENTS_BENCH_EVENTS` (200) events
//!    committed one at a time, `EVENTS_BENCH_RATE` (20) per second, each of the user's: the time
//!    from before its transaction began to its arrival on every stream (p50, p99, max), and
//!    how many arrivals are missing or duplicated (must be none).
//! 2. **Webhooks**: `EVENTS_BENCH_WEBHOOKS` (10) webhooks of that user to a receiver in this
//!    program, `EVENTS_BENCH_DELIVERIES` (1,000) events committed at once: deliveries per second
//!    from the first to the last received, each signature checked and each webhook's order.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a measurement program")]

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{Transaction, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;
use tokio::process::{Child, Command};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server runs");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port()
}

/// The binary: `SWITCHBOARD_BIN`, or `switchboard` in this program's target directory.
fn binary() -> String {
    std::env::var("SWITCHBOARD_BIN").unwrap_or_else(|_| {
        let me = std::env::current_exe().unwrap();
        me.parent().unwrap().parent().unwrap().join("switchboard").display().to_string()
    })
}

fn process(db: &TestDb, command: &str, port: u16) -> Child {
    Command::new(binary())
        .arg(command)
        .env("SWITCHBOARD_PROFILE", "test")
        .env("DATABASE_URL", db.url())
        .env("SWITCHBOARD__SERVER__PORT", port.to_string())
        .env("SWITCHBOARD__SERVER__WORKERS", "2")
        .env("SWITCHBOARD__DATABASE__POOL_SIZE", "16")
        .env("SWITCHBOARD__LOG__FILTER", "warn")
        .env("SWITCHBOARD__JOBS__WORKERS_IN_SERVE", "0")
        .env("SWITCHBOARD__JOBS__POLL_INTERVAL_MS", "200")
        .env("SWITCHBOARD__WEBHOOKS__DISPATCH_INTERVAL_SECS", "1")
        .kill_on_drop(true)
        .spawn()
        .expect("the switchboard binary (build it, or set SWITCHBOARD_BIN)")
}

async fn sign_up(http: &reqwest::Client, base: &str) -> (String, UserId) {
    let body = json!({"email": "events-bench@example.org", "password": "events bench password"});
    let res = http.post(format!("{base}/api/auth/register")).json(&body).send().await.unwrap();
    assert!(res.status().is_success(), "registration: {}", res.status());
    let login: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["access_token"].as_str().expect("a token").to_owned();
    let me = http.get(format!("{base}/api/me")).bearer_auth(&token).send().await.unwrap();
    let me: Value = me.json().await.unwrap();
    (token, me["data"]["id"].as_str().unwrap().parse().unwrap())
}

/// Commits `count` events of `user`'s in one transaction; the n-th carries `first + n`.
async fn commit(uow: &PgUnitOfWork, user: UserId, first: usize, count: usize) {
    let events: Vec<NewEvent> = (first..first + count)
        .map(|n| {
            NewEvent::changed("user", user.to_string(), "bench", n as i64 - 1, n as i64)
                .owned_by(Some(user))
        })
        .collect();
    uow.transact(move |tx| Box::pin(async move { tx.append_events(events).await })).await.unwrap();
}

/// Reads one stream: for each event, its number and when it arrived.
async fn read_stream(mut res: reqwest::Response, until: usize) -> Vec<(usize, Instant)> {
    let mut seen = Vec::new();
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) else {
                continue;
            };
            let event: Value = serde_json::from_str(data).unwrap();
            if let Some(n) = number(&event["new_value"]) {
                seen.push((n as usize, now));
                if n as usize >= until {
                    return seen;
                }
            }
        }
    }
    seen
}

/// An event's number: its `new_value`, a JSON number, or its JSON text in the API's record.
fn number(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_str().and_then(|s| s.trim_matches('"').parse().ok()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

async fn stream_part(base: &str, pid: u32, token: &str, user: UserId, uow: &PgUnitOfWork) {
    let (streams, events) =
        (env_or("EVENTS_BENCH_STREAMS", 1000), env_or("EVENTS_BENCH_EVENTS", 200));
    let rate = env_or("EVENTS_BENCH_RATE", 20).max(1);
    // One connection per stream: HTTP/1.1, no pooling across them.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let before = rss_kib(pid);
    let mut readers = Vec::with_capacity(streams);
    for chunk in (0..streams).collect::<Vec<_>>().chunks(100) {
        let opening = chunk.iter().map(|_| {
            let req = http.get(format!("{base}/api/stream")).bearer_auth(token);
            async move {
                let mut res = req.send().await.unwrap();
                assert_eq!(res.status(), 200);
                // The opening comment: the stream is subscribed.
                let first = res.chunk().await.unwrap().unwrap();
                assert!(first.starts_with(b":"), "{first:?}");
                res
            }
        });
        for res in futures_util::future::join_all(opening).await {
            readers.push(tokio::spawn(read_stream(res, events)));
        }
    }
    let after = rss_kib(pid);
    println!(
        "stream: {streams} open; server RSS {before} KiB before, {after} KiB after: {:.1} KiB \
         per stream",
        (after.saturating_sub(before)) as f64 / streams as f64
    );

    let mut sent = HashMap::with_capacity(events);
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate as u32);
    for n in 1..=events {
        tick.tick().await;
        sent.insert(n, Instant::now());
        commit(uow, user, n, 1).await;
    }
    let mut latencies = Vec::with_capacity(streams * events);
    let (mut missing, mut twice) = (0, 0);
    for reader in readers {
        let seen = tokio::time::timeout(Duration::from_secs(30), reader)
            .await
            .expect("every stream gets every event within 30 s")
            .unwrap();
        let mut numbers: Vec<usize> = seen.iter().map(|(n, _)| *n).collect();
        numbers.sort_unstable();
        let before_dedup = numbers.len();
        numbers.dedup();
        twice += before_dedup - numbers.len();
        missing += events - numbers.len();
        latencies.extend(seen.iter().map(|(n, at)| at.duration_since(sent[n])));
    }
    latencies.sort_unstable();
    println!(
        "stream: {events} events at {rate}/s to {streams} streams: commit → arrival p50 {:.1?}, \
         p99 {:.1?}, max {:.1?} (target p99 < 50 ms); {missing} missing, {twice} twice",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().unwrap(),
    );
}

/// What the receiver saw.
#[derive(Default)]
struct Received {
    times: Vec<Instant>,
    /// Each webhook's last event number, to check the order.
    last: HashMap<String, u64>,
    out_of_order: usize,
    bad_signatures: usize,
    secrets: HashMap<String, String>,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Mutex<Received>>,
) -> HttpResponse {
    let now = Instant::now();
    let event: Value = serde_json::from_slice(&body).unwrap();
    let webhook = event["data"]["webhook_id"].as_str().unwrap_or_default().to_owned();
    let number = number(&event["data"]["event"]["new_value"]).unwrap_or(0);
    let header = req.headers().get("x-switchboard-signature").and_then(|v| v.to_str().ok());
    let mut guard = state.lock().unwrap();
    let state = &mut *guard;
    let valid = match (header, state.secrets.get(&webhook)) {
        (Some(header), Some(secret)) => header
            .split(',')
            .find_map(|p| p.strip_prefix("t="))
            .and_then(|t| t.parse::<i64>().ok())
            .is_some_and(|t| {
                header.ends_with(&switchboard_services::webhooks::signature(
                    secret.as_bytes(),
                    t,
                    &body,
                ))
            }),
        _ => false,
    };
    if !valid {
        state.bad_signatures += 1;
    }
    let last = state.last.entry(webhook).or_default();
    if number <= *last {
        state.out_of_order += 1;
    }
    *last = number;
    state.times.push(now);
    HttpResponse::NoContent().finish()
}

async fn webhook_part(base: &str, token: &str, user: UserId, uow: &PgUnitOfWork, first: usize) {
    let (hooks, events) =
        (env_or("EVENTS_BENCH_WEBHOOKS", 10), env_or("EVENTS_BENCH_DELIVERIES", 1000));
    let state = web::Data::new(Mutex::new(Received::default()));
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let receiver = format!("http://{}/in", listener.local_addr().unwrap());
    let data = state.clone();
    let server = HttpServer::new(move || {
        App::new().app_data(data.clone()).route("/in", web::post().to(receive))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);

    let http = reqwest::Client::new();
    for _ in 0..hooks {
        let body = json!({"url": receiver, "events": ["user.changed"]});
        let res = http.post(format!("{base}/api/webhooks")).bearer_auth(token).json(&body);
        let made: Value = res.send().await.unwrap().json().await.unwrap();
        let id = made["data"]["webhook"]["id"].as_str().expect("a webhook").to_owned();
        let secret = made["data"]["secret"].as_str().unwrap().to_owned();
        state.lock().unwrap().secrets.insert(id, secret);
    }
    let committed = Instant::now();
    for start in (first..first + events).step_by(500) {
        commit(uow, user, start, 500.min(first + events - start)).await;
    }
    let expected = hooks * events;
    let deadline = Instant::now() + Duration::from_secs(300);
    while state.lock().unwrap().times.len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let state = state.lock().unwrap();
    let (first_at, last_at) = (state.times.first().unwrap(), state.times.last().unwrap());
    let span = last_at.duration_since(*first_at).as_secs_f64();
    println!(
        "webhooks: {} of {expected} deliveries ({hooks} webhooks × {events} events) in {span:.2} s \
         from the first to the last: {:.0} deliveries/s (target >= 500); {:.2} s from the commit; \
         {} bad signatures, {} out of order",
        state.times.len(),
        (state.times.len() - 1) as f64 / span,
        last_at.duration_since(committed).as_secs_f64(),
        state.bad_signatures,
        state.out_of_order,
    );
}

#[actix_web::main]
async fn main() {
    let db = TestDb::migrated().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = process(&db, "serve", port);
    let pid = server.id().unwrap();
    let http = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..200 {
        if http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ready, "the server did not become ready");
    let (token, user) = sign_up(&http, &base).await;
    let uow = PgUnitOfWork::new(db.pool());
    println!("Events to clients ({} cores, one serve and one worker process):", num_cpus());

    stream_part(&base, pid, &token, user, &uow).await;
    let _worker = process(&db, "worker", free_port());
    webhook_part(&base, &token, user, &uow, 1_000_000).await;
    drop(server);
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
