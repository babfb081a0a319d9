//! Concurrent clients against the post routes, one scenario at a time.

use crate::http_load::{Scenarios, Target, use_wrk};
use crate::seed::{AUTHOR, COMMON_WORD, RARE_WORD, Seeded};
use crate::world::World;

/// Target: the 99th percentile of every scenario, in milliseconds.
const TARGET_P99_MS: f64 = 10.0;

/// Cursor pages walked for the "cursor pages" scenario.
const DEEP_PAGES: usize = 40;

/// Runs every scenario for `secs` seconds with `clients` clients, saturated then offering
/// `rate` requests a second, and prints its figures.
pub async fn run(world: &World, seeded: &Seeded, clients: usize, secs: usize, rate: usize) {
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
    let wrk = use_wrk("POSTS_BENCH_WRK").await;
    let load = Scenarios {
        target: Target { base: &world.base, token: &world.token, http: &world.http },
        clients,
        secs,
        wrk,
        rate: rate as f64,
        target_p99_ms: TARGET_P99_MS,
        width: 40,
    };
    println!(
        "  GET /api/chat/channels/{{id}}/posts, {}, {secs} s per scenario and mode after 1 s \
         unmeasured, target p99 < {TARGET_P99_MS} ms:",
        load.describe()
    );
    load.run("chat posts", scenarios).await;
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
