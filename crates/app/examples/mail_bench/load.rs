//! Part 2's load: concurrent clients against the list routes, one scenario at a time.
//!
//! Each scenario runs saturated, then paced at `MAIL_BENCH_RATE` requests a second (see
//! `shared/http_load.rs`). The saturated clients are `wrk` (as the rest of `make bench`) when
//! it is installed: out of this process and light, so the two cores go to the server and
//! PostgreSQL. Without it (or with `MAIL_BENCH_WRK=0`) they are reqwest clients in this
//! process, which take about a third of the CPU themselves and so report a lower throughput
//! and higher latencies.

use url::Url;

use crate::http_load::{Scenarios, Target, use_wrk};
use crate::seed::{COMMON_WORD, RARE_WORD, Seeded};
use crate::server::World;

/// Target: the 99th percentile of every scenario, in milliseconds.
const TARGET_P99_MS: f64 = 10.0;

/// Cursor pages walked for the "deeper pages" scenario (50 messages each).
const DEEP_PAGES: usize = 40;

/// Runs every scenario for `secs` seconds with `clients` clients, saturated then offering
/// `rate` requests a second, and prints its figures.
pub async fn run(world: &World, seeded: &Seeded, clients: usize, secs: usize, rate: usize) {
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
    let (inbox, small) = (seeded.inbox.to_string(), seeded.small_folder.to_string());
    let middle = seeded.middle_folder.to_string();
    let threads_in =
        |folder: &str| url(&[("folder_id", folder)]).replace("/messages?", "/threads?");
    let scenarios: Vec<(String, Vec<String>)> = vec![
        ("first page".to_owned(), vec![first]),
        (format!("cursor pages 2-{}", DEEP_PAGES + 1), deep),
        (format!("q={RARE_WORD} (in 1 % of messages)"), vec![url(&[("q", RARE_WORD)])]),
        (format!("q={COMMON_WORD} (in about half)"), vec![url(&[("q", COMMON_WORD)])]),
        ("unread=true (1 % of messages)".to_owned(), vec![url(&[("unread", "true")])]),
        (format!("from={}", seeded.sender), vec![url(&[("from", &seeded.sender)])]),
        ("threads, first page".to_owned(), vec![url(&[]).replace("/messages?", "/threads?")]),
        ("folder_id=inbox (every message)".to_owned(), vec![url(&[("folder_id", &inbox)])]),
        ("folder_id=receipts (0.5 %)".to_owned(), vec![url(&[("folder_id", &small)])]),
        (
            format!("q={RARE_WORD}, folder_id=receipts"),
            vec![url(&[("q", RARE_WORD), ("folder_id", &small)])],
        ),
        ("threads, folder_id=inbox".to_owned(), vec![threads_in(&inbox)]),
        ("threads, folder_id=projects (5 %)".to_owned(), vec![threads_in(&middle)]),
        ("threads, folder_id=receipts".to_owned(), vec![threads_in(&small)]),
    ];
    let wrk = use_wrk("MAIL_BENCH_WRK").await;
    let load = Scenarios {
        target: Target { base: &world.base, token: &world.token, http: &world.http },
        clients,
        secs,
        wrk,
        rate: rate as f64,
        target_p99_ms: TARGET_P99_MS,
        width: 34,
    };
    println!(
        "  GET /api/mail/messages (and /threads) ?limit=50 over the store's messages, {}, {secs} s per scenario \
         and mode (after 1 s unmeasured), target p99 < {TARGET_P99_MS} ms:",
        load.describe()
    );
    let scenarios = scenarios.into_iter().map(|(name, urls)| (name, paths_of(&urls))).collect();
    load.run("list and search", scenarios).await;

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
    let stats = stats.into_iter().map(|(name, urls)| (name, paths_of(&urls))).collect();
    load.run("mail analytics", stats).await;
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

/// The path and query of each of `urls`, as the load drivers take them.
fn paths_of(urls: &[String]) -> Vec<String> {
    urls.iter()
        .map(|u| {
            let u = Url::parse(u).unwrap();
            format!("{}?{}", u.path(), u.query().unwrap_or_default())
        })
        .collect()
}
