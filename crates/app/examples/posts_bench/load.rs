//! Concurrent clients against the post routes, one scenario at a time.

use std::sync::Arc;
use std::time::Duration;

use crate::http_load::{Target, drive, drive_wrk, wrk_installed};
use crate::seed::{AUTHOR, COMMON_WORD, RARE_WORD, Seeded};
use crate::world::World;

/// Target: the 99th percentile of every scenario, in milliseconds.
const TARGET_P99_MS: f64 = 10.0;

/// Cursor pages walked for the "cursor pages" scenario.
const DEEP_PAGES: usize = 40;

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
    let target = Target { base: &world.base, token: &world.token, http: &world.http };
    for (name, urls) in scenarios {
        let urls = Arc::new(urls);
        let f = if wrk {
            drive_wrk(&target, &urls, clients, 1).await;
            drive_wrk(&target, &urls, clients, secs).await
        } else {
            drive(&target, &urls, clients, Duration::from_secs(1)).await;
            drive(&target, &urls, clients, Duration::from_secs(secs as u64)).await
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
