//! Concurrent clients against the post routes, one scenario at a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::seed::{AUTHOR, COMMON_WORD, RARE_WORD, Seeded};
use crate::world::World;

/// Target: the 99th percentile of every scenario, in milliseconds.
const TARGET_P99_MS: f64 = 10.0;

/// Cursor pages walked for the "cursor pages" scenario.
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
    let list = |query: &str| format!("/api/chat/channels/{}/posts?{query}", seeded.channel);
    let first = list("limit=50");
    let deep = deeper_pages(world, &first).await;
    let posts: Vec<String> = seeded.posts.iter().map(|p| post_path(seeded, p)).collect();
    let scenarios: Vec<(String, Vec<String>)> = vec![
        ("first page".to_owned(), vec![first.clone()]),
        ("first page, nested".to_owned(), vec![list("limit=50&threads=nested")]),
        (format!("cursor pages 2-{}", DEEP_PAGES + 1), deep),
        (
            format!("author={AUTHOR} (2 % of posts)"),
            vec![list(&format!("limit=50&author={AUTHOR}"))],
        ),
        (format!("q={RARE_WORD} (1 % of posts)"), vec![list(&format!("limit=50&q={RARE_WORD}"))]),
        (
            format!("q={COMMON_WORD} (12 % of posts)"),
            vec![list(&format!("limit=50&q={COMMON_WORD}"))],
        ),
        (
            "thread_id (a thread's replies)".to_owned(),
            vec![list(&format!("thread_id={}", seeded.thread))],
        ),
        (format!("GET /api/chat/posts/{{id}} ({} posts)", posts.len()), posts),
    ];
    let wrk = std::env::var("POSTS_BENCH_WRK").map_or(true, |v| v != "0") && wrk_installed().await;
    println!(
        "  GET /api/chat/channels/{{id}}/posts, {clients} clients ({}), {secs} s per scenario \
         after 1 s unmeasured, target p99 < {TARGET_P99_MS} ms:",
        if wrk { "wrk -t2, out of process" } else { "reqwest, in this process" }
    );
    let mut worst: f64 = 0.0;
    for (name, urls) in scenarios {
        let urls = Arc::new(urls);
        let f = if wrk {
            drive_wrk(world, &urls, clients, 1).await;
            drive_wrk(world, &urls, clients, secs).await
        } else {
            drive(world, &urls, clients, Duration::from_secs(1)).await;
            drive(world, &urls, clients, Duration::from_secs(secs as u64)).await
        };
        worst = worst.max(f.p99_ms);
        println!(
            "    {name:<40} {:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests{})",
            f.per_sec,
            f.p50_ms,
            f.p99_ms,
            f.requests,
            if f.failed > 0 { format!(", {} NOT 200", f.failed) } else { String::new() },
        );
    }
    let verdict = if worst < TARGET_P99_MS { "met" } else { "MISSED" };
    println!("  chat posts, worst p99 {worst:>7.2} ms   target < {TARGET_P99_MS} ms: {verdict}");
}

/// The path of one post: its id names the channel and the provider's post id.
fn post_path(seeded: &Seeded, external: &str) -> String {
    let id = switchboard_http::routes::chat::post_ref::post_id(seeded.channel, external);
    format!("/api/chat/posts/{id}")
}

/// The paths of the pages after the first, following `next_cursor`.
async fn deeper_pages(world: &World, first: &str) -> Vec<String> {
    let mut paths = Vec::with_capacity(DEEP_PAGES);
    let mut current = first.to_owned();
    for _ in 0..DEEP_PAGES {
        let (status, page) = world.get(&current).await;
        assert_eq!(status, 200, "{page}");
        let Some(cursor) = page["data"]["next_cursor"].as_str().filter(|c| !c.is_empty()) else {
            break;
        };
        current = format!("{first}&cursor={cursor}");
        paths.push(current.clone());
    }
    assert_eq!(paths.len(), DEEP_PAGES, "the channel has that many pages");
    paths
}

/// `clients` clients, each sending the next of `paths` as soon as its last answer is read.
async fn drive(
    world: &World,
    paths: &Arc<Vec<String>>,
    clients: usize,
    length: Duration,
) -> Figures {
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (http, token, paths) = (world.http.clone(), world.token.clone(), paths.clone());
            let base = world.base.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0usize;
                let mut i = client;
                while Instant::now() < deadline {
                    let url = format!("{base}{}", paths[i % paths.len()]);
                    i += 1;
                    let sent = Instant::now();
                    let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
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

/// `wrk -t2 -c{clients}` for `secs` seconds, its requests going round `paths`.
async fn drive_wrk(world: &World, paths: &[String], clients: usize, secs: usize) -> Figures {
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = format!(
        "local paths = {{ {} }}\nlocal i = 0\nwrk.headers[\"Authorization\"] = \"Bearer {}\"\n\
         request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
        list.join(", "),
        world.token
    );
    let file = std::env::temp_dir().join(format!("posts-bench-{}.lua", std::process::id()));
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
