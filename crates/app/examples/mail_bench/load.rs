//! Part 2's load: concurrent clients against the list route, one scenario at a time.
//!
//! The clients are `wrk` (as the rest of `make bench`) when it is installed: out of this
//! process and light, so the two cores go to the server and PostgreSQL. Without it (or with
//! `MAIL_BENCH_WRK=0`) they are reqwest clients in this process, which take about a third of
//! the CPU themselves and so report a lower throughput and higher latencies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use url::Url;

use crate::seed::{RARE_WORD, Seeded};
use crate::server::World;
use crate::sync::verdict;

/// Target: the 99th percentile of every scenario, in milliseconds.
const TARGET_P99_MS: f64 = 10.0;

/// Cursor pages walked for the "deeper pages" scenario (50 messages each).
const DEEP_PAGES: usize = 40;

/// What one scenario measured.
struct Figures {
    requests: usize,
    failed: usize,
    per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Runs every scenario for `secs` seconds with `clients` clients and prints its figures.
pub async fn run(world: &World, seeded: &Seeded, clients: usize, secs: usize) {
    let url = |extra: &[(&str, &str)]| {
        let account = seeded.account.to_string();
        let limit =
            if extra.iter().any(|(k, _)| *k == "limit") { None } else { Some(("limit", "50")) };
        let mut params: Vec<(&str, &str)> = vec![("account_id", account.as_str())];
        params.extend(limit);
        params.extend_from_slice(extra);
        let path = format!("{}/api/mail/messages", world.base);
        Url::parse_with_params(&path, &params).unwrap().to_string()
    };
    let first = url(&[]);
    let deep = deeper_pages(world, &first).await;
    let scenarios: Vec<(String, Vec<String>)> = vec![
        ("first page".to_owned(), vec![first]),
        (format!("cursor pages 2-{}", DEEP_PAGES + 1), deep),
        (format!("q={RARE_WORD} (in 1 % of messages)"), vec![url(&[("q", RARE_WORD)])]),
        ("unread=true".to_owned(), vec![url(&[("unread", "true")])]),
        (format!("from={}", seeded.sender), vec![url(&[("from", &seeded.sender)])]),
    ];
    println!(
        "  GET /api/mail/messages?limit=50 over the store's messages, {clients} clients, {secs} s \
         per scenario (after 1 s unmeasured), target p99 < {TARGET_P99_MS} ms:"
    );
    let wrk = std::env::var("MAIL_BENCH_WRK").map_or(true, |v| v != "0") && wrk_installed().await;
    println!(
        "  clients: {}",
        if wrk { "wrk -t2, out of process" } else { "reqwest, in this process" }
    );
    let load = Load { world, clients, secs, wrk };
    load.scenarios("list and search", scenarios).await;

    let account = seeded.account.to_string();
    let at = |path: &str, extra: &[(&str, &str)]| {
        let mut params: Vec<(&str, &str)> = vec![("account_id", account.as_str())];
        params.extend_from_slice(extra);
        Url::parse_with_params(&format!("{}{path}", world.base), &params).unwrap().to_string()
    };
    // Each answer is computed once (or kept) before the measured second.
    let threads: Vec<String> = (0..DEEP_PAGES)
        .map(|i| at(&format!("/api/mail/threads/thread-{}/summary", i * 97), &[]))
        .collect();
    let stats: Vec<(String, Vec<String>)> = vec![
        ("pulse, hourly".to_owned(), vec![at("/api/mail/stats/pulse", &[])]),
        ("pulse, daily".to_owned(), vec![at("/api/mail/stats/pulse", &[("bucket", "day")])]),
        ("top senders".to_owned(), vec![at("/api/mail/stats/top_senders", &[])]),
        (format!("thread summaries ({DEEP_PAGES} threads)"), threads),
    ];
    println!("  mail analytics GETs over the same messages, target p99 < {TARGET_P99_MS} ms:");
    load.scenarios("mail analytics", stats).await;
}

/// How the scenarios are driven.
struct Load<'a> {
    world: &'a World,
    clients: usize,
    secs: usize,
    wrk: bool,
}

impl Load<'_> {
    /// Runs each scenario (a warm-up second, then `secs`), prints its figures and the worst p99
    /// against the target.
    async fn scenarios(&self, what: &str, scenarios: Vec<(String, Vec<String>)>) {
        let (world, clients, secs) = (self.world, self.clients, self.secs);
        let mut worst: f64 = 0.0;
        for (name, urls) in scenarios {
            let urls = Arc::new(urls);
            let f = if self.wrk {
                drive_wrk(world, &urls, clients, 1).await;
                drive_wrk(world, &urls, clients, secs).await
            } else {
                drive(world, &urls, clients, Duration::from_secs(1)).await;
                drive(world, &urls, clients, Duration::from_secs(secs as u64)).await
            };
            worst = worst.max(f.p99_ms);
            println!(
                "    {name:<34} {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests{})",
                f.per_sec,
                f.p50_ms,
                f.p99_ms,
                f.requests,
                if f.failed > 0 { format!(", {} NOT 200", f.failed) } else { String::new() },
            );
        }
        println!(
            "  {what}, worst p99    {worst:>7.2} ms   target < {TARGET_P99_MS} ms: {}",
            verdict(worst < TARGET_P99_MS)
        );
    }
}

/// The URLs of the pages after the first, following `next_cursor`.
async fn deeper_pages(world: &World, first: &str) -> Vec<String> {
    let mut urls = Vec::with_capacity(DEEP_PAGES);
    let mut current = first.to_owned();
    for _ in 0..DEEP_PAGES {
        let page: serde_json::Value = world
            .http
            .get(&current)
            .bearer_auth(&world.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let Some(cursor) = page["data"]["next_cursor"].as_str() else { break };
        let mut next = Url::parse(first).unwrap();
        next.query_pairs_mut().append_pair("cursor", cursor);
        current = next.to_string();
        urls.push(current.clone());
    }
    assert_eq!(urls.len(), DEEP_PAGES, "the seeded account has that many pages");
    urls
}

/// `clients` clients, each sending the next of `urls` as soon as its last answer is read,
/// for `length`.
async fn drive(
    world: &World,
    urls: &Arc<Vec<String>>,
    clients: usize,
    length: Duration,
) -> Figures {
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (http, token, urls) = (world.http.clone(), world.token.clone(), urls.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0usize;
                let mut i = client;
                while Instant::now() < deadline {
                    let url = &urls[i % urls.len()];
                    i += 1;
                    let sent = Instant::now();
                    let res = http.get(url).bearer_auth(&token).send().await.unwrap();
                    let ok = res.status() == 200;
                    let body = res.bytes().await.unwrap();
                    latencies.push(sent.elapsed());
                    failed += usize::from(!ok || body.is_empty());
                }
                (latencies, failed)
            })
        })
        .collect();
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

async fn wrk_installed() -> bool {
    tokio::process::Command::new("wrk").arg("--version").output().await.is_ok()
}

/// `wrk -t2 -c{clients}` for `secs` seconds, its requests going round `urls`.
async fn drive_wrk(world: &World, urls: &[String], clients: usize, secs: usize) -> Figures {
    let paths: Vec<String> = urls
        .iter()
        .map(|u| {
            let u = Url::parse(u).unwrap();
            format!("{}?{}", u.path(), u.query().unwrap_or_default())
        })
        .collect();
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = format!(
        "local paths = {{ {} }}\nlocal i = 0\nwrk.headers[\"Authorization\"] = \"Bearer {}\"\n\
         request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
        list.join(", "),
        world.token
    );
    let file = std::env::temp_dir().join(format!("mail-bench-{}.lua", std::process::id()));
    std::fs::write(&file, script).unwrap();
    let out = tokio::process::Command::new("wrk")
        .args(["-t2", &format!("-c{clients}"), &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&file)
        .arg(&world.base)
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
