//! HTTP load for the benches, two ways, each scenario measured both:
//!
//! - **saturated** (closed loop): `clients` clients each sending the next request as soon as its
//!   last answer is read, either wrk out of process or reqwest in the bench's own. This finds
//!   the most requests a second the machine answers; its latencies are then mostly queueing
//!   (32 clients over 3,000 answers a second wait about 10 ms whatever a request costs).
//! - **paced** (open loop): the same clients together offering a fixed rate, each sending on
//!   its own schedule whatever the answers' times, and a request's latency counted from when
//!   it was due, so a slow answer is charged for the requests it held up behind it (no
//!   "coordinated omission", as wrk2 measures). This is the latency a client sees at that load.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server under load and the caller's credentials.
pub struct Target<'a> {
    /// `http://127.0.0.1:PORT`.
    pub base: &'a str,
    /// The caller's access token.
    pub token: &'a str,
    /// The in-process clients' connection pool.
    pub http: &'a reqwest::Client,
}

/// What one scenario measured.
pub struct Figures {
    pub requests: usize,
    pub failed: usize,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// What one in-process client task holds: the connection pool, the credentials and the paths
/// it goes round.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    token: String,
    base: String,
    paths: Arc<Vec<String>>,
}

/// Whether a failed answer was shown already.
static FAILURE_SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Client {
    fn new(target: &Target<'_>, paths: &Arc<Vec<String>>) -> Self {
        Self {
            http: target.http.clone(),
            token: target.token.to_owned(),
            base: target.base.to_owned(),
            paths: paths.clone(),
        }
    }

    /// Sends the `i`th request of its round and reads the answer whole: whether it was a 200
    /// with a body.
    async fn get(&self, i: usize) -> bool {
        let url = format!("{}{}", self.base, self.paths[i % self.paths.len()]);
        let res = self.http.get(&url).bearer_auth(&self.token).send().await.unwrap();
        let status = res.status();
        let body = res.bytes().await.unwrap();
        let ok = status == 200 && !body.is_empty();
        if !ok && !FAILURE_SHOWN.swap(true, std::sync::atomic::Ordering::Relaxed) {
            // The first failure of the run, so that a scenario's "NOT 200" can be told apart.
            eprintln!("  {url}: {status} {}", String::from_utf8_lossy(&body));
        }
        ok
    }
}

/// Reqwest clients in this process, going round `paths` (each after `base`), for `length`.
pub async fn drive(
    target: &Target<'_>,
    paths: &Arc<Vec<String>>,
    clients: usize,
    length: Duration,
) -> Figures {
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let me = Client::new(target, paths);
            tokio::spawn(async move {
                let (mut latencies, mut failed) = (Vec::new(), 0usize);
                let mut i = client;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let ok = me.get(i).await;
                    latencies.push(sent.elapsed());
                    failed += usize::from(!ok);
                    i += 1;
                }
                (latencies, failed)
            })
        })
        .collect();
    collect(tasks, started).await
}

/// Reqwest clients in this process together offering `rate` requests a second, each on a
/// fixed schedule (its first request staggered), going round `paths`, for `length`.
///
/// A request sent late because the client's previous answer came late is timed from when it
/// was due; one sent on time is timed from when it left (the timer's own wake-up delay is not
/// the server's).
pub async fn drive_paced(
    target: &Target<'_>,
    paths: &Arc<Vec<String>>,
    clients: usize,
    rate: f64,
    length: Duration,
) -> Figures {
    let interval = Duration::from_secs_f64(clients as f64 / rate);
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let me = Client::new(target, paths);
            let mut due = started + interval.mul_f64(client as f64 / clients as f64);
            tokio::spawn(async move {
                let (mut latencies, mut failed) = (Vec::new(), 0usize);
                let mut i = client;
                while due < deadline {
                    let late = Instant::now() > due;
                    if !late {
                        tokio::time::sleep_until(due.into()).await;
                    }
                    let sent = if late { due } else { Instant::now() };
                    let ok = me.get(i).await;
                    latencies.push(sent.elapsed());
                    failed += usize::from(!ok);
                    i += 1;
                    due += interval;
                }
                (latencies, failed)
            })
        })
        .collect();
    collect(tasks, started).await
}

/// The clients' latencies and failures, as figures over the time since `started`.
async fn collect(
    tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, usize)>>,
    started: Instant,
) -> Figures {
    let mut all = Vec::new();
    let mut failed = 0;
    for task in tasks {
        let (latencies, f) = task.await.unwrap();
        all.extend(latencies);
        failed += f;
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let at = |q: f64| {
        let i = ((all.len() as f64 * q).ceil() as usize).clamp(1, all.len().max(1)) - 1;
        all.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        requests: all.len(),
        failed,
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// Whether the saturated runs use wrk: it can be run and `switch` (an environment variable)
/// is not `0`.
pub async fn use_wrk(switch: &str) -> bool {
    std::env::var(switch).map_or(true, |v| v != "0")
        && tokio::process::Command::new("wrk").arg("--version").output().await.is_ok()
}

/// `wrk -t2 -c{clients}` for `secs` seconds, its requests going round `paths`.
pub async fn drive_wrk(
    target: &Target<'_>,
    paths: &[String],
    clients: usize,
    secs: usize,
) -> Figures {
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = format!(
        "local paths = {{ {} }}\nlocal i = 0\nwrk.headers[\"Authorization\"] = \"Bearer {}\"\n\
         request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
        list.join(", "),
        target.token
    );
    let file = std::env::temp_dir().join(format!("bench-load-{}.lua", std::process::id()));
    std::fs::write(&file, script).unwrap();
    let out = tokio::process::Command::new("wrk")
        .args(["-t2", &format!("-c{clients}"), &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&file)
        .arg(target.base)
        .output()
        .await
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |prefix: &str| {
        text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_owned()))
    };
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in ").map(|(n, _)| n.trim().to_owned()))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let failed = field("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0);
    Figures {
        requests,
        failed,
        per_sec: field("Requests/sec:").and_then(|n| n.parse().ok()).unwrap_or(f64::NAN),
        p50_ms: field("50%").map_or(f64::NAN, |v| wrk_ms(&v)),
        p99_ms: field("99%").map_or(f64::NAN, |v| wrk_ms(&v)),
    }
}

/// A wrk duration (`812.00us`, `6.70ms`, `1.02s`) in milliseconds.
fn wrk_ms(value: &str) -> f64 {
    let split = value.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => n,
    }
}

/// How a bench's scenarios are driven and judged.
pub struct Scenarios<'a> {
    pub target: Target<'a>,
    pub clients: usize,
    /// Seconds measured per scenario and mode (after one unmeasured second).
    pub secs: usize,
    /// wrk for the saturated runs, else reqwest in this process.
    pub wrk: bool,
    /// The paced runs' offered rate, requests a second for all clients together.
    pub rate: f64,
    /// Target: the 99th percentile, in milliseconds.
    pub target_p99_ms: f64,
    /// Width of the scenario names' column.
    pub width: usize,
}

impl Scenarios<'_> {
    /// The clients' description, for the bench's heading.
    pub fn describe(&self) -> String {
        format!(
            "{} clients; saturated: {}; paced: {:.0} requests/s offered by the same clients \
             (reqwest, latency from when each request was due)",
            self.clients,
            if self.wrk { "wrk -t2, out of process" } else { "reqwest, in this process" },
            self.rate
        )
    }

    /// Runs each scenario saturated then paced (each after an unmeasured second), prints a line
    /// per mode and the worst p99 of each against the target. With `BENCH_ONLY` set, only the
    /// scenarios whose name holds it (or one of its `|`-separated parts) run (to profile one,
    /// say `BENCH_ONLY=kestrel`, or a few, `BENCH_ONLY='pulse|summar'`).
    pub async fn run(&self, what: &str, scenarios: Vec<(String, Vec<String>)>) {
        let (clients, secs, width) = (self.clients, self.secs, self.width);
        let (mut worst_saturated, mut worst_paced): (f64, f64) = (0.0, 0.0);
        let only = std::env::var("BENCH_ONLY").ok().filter(|only| !only.is_empty());
        let chosen = |name: &String| {
            only.as_ref().is_none_or(|only| only.split('|').any(|one| name.contains(one)))
        };
        for (name, paths) in scenarios.into_iter().filter(|(name, _)| chosen(name)) {
            let paths = Arc::new(paths);
            let saturated = if self.wrk {
                drive_wrk(&self.target, &paths, clients, 1).await;
                drive_wrk(&self.target, &paths, clients, secs).await
            } else {
                drive(&self.target, &paths, clients, Duration::from_secs(1)).await;
                drive(&self.target, &paths, clients, Duration::from_secs(secs as u64)).await
            };
            drive_paced(&self.target, &paths, clients, self.rate, Duration::from_secs(1)).await;
            let length = Duration::from_secs(secs as u64);
            let paced = drive_paced(&self.target, &paths, clients, self.rate, length).await;
            worst_saturated = worst_saturated.max(saturated.p99_ms);
            worst_paced = worst_paced.max(paced.p99_ms);
            println!("    {name:<width$} saturated {}", saturated.line());
            println!("    {:<width$} paced     {}", "", paced.line());
        }
        let verdict = |p99: f64| if p99 < self.target_p99_ms { "met" } else { "MISSED" };
        println!(
            "  {what}, worst p99: saturated {worst_saturated:.2} ms ({}), at {:.0} requests/s \
             {worst_paced:.2} ms ({}); target < {} ms",
            verdict(worst_saturated),
            self.rate,
            verdict(worst_paced),
            self.target_p99_ms,
        );
    }
}

impl Figures {
    /// Requests a second, p50, p99, and how many were counted (and failed).
    fn line(&self) -> String {
        format!(
            "{:>6.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests{})",
            self.per_sec,
            self.p50_ms,
            self.p99_ms,
            self.requests,
            if self.failed > 0 { format!(", {} NOT 200", self.failed) } else { String::new() },
        )
    }
}
