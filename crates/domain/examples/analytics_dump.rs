//! Prints, as JSON, a generated channel's window and what the analytics make of it, for
//! `scripts/quality/compare.py` to compare with sumy and YAKE on the same texts.
//!
//! `cargo run --release -p switchboard-domain --example analytics_dump -- SEED HISTORY_DAYS
//! POSTS_PER_DAY WINDOW_POSTS PLANTED COUNT` (defaults: 1 30 200 600 3 5).

use std::time::Instant;

use serde_json::json;
use switchboard_domain::analytics::{LexRankOptions, hot_topics, representative_messages, summary};

#[path = "../tests/corpus/mod.rs"]
mod corpus;

fn main() -> Result<(), rayon::ThreadPoolBuildError> {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let arg = |i: usize, default: u64| args.get(i).copied().unwrap_or(default);
    let as_usize = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    let channel = corpus::channel(
        arg(0, 1),
        i64::try_from(arg(1, 30)).unwrap_or(30),
        as_usize(arg(2, 200)),
        as_usize(arg(3, 600)),
        as_usize(arg(4, 3)),
    );
    let count = as_usize(arg(5, 5));
    let messages = channel.messages();
    let window = channel.window;
    let options = LexRankOptions { count, ..LexRankOptions::default() };

    // One thread per core, as the server's analytics pool.
    let pool = rayon::ThreadPoolBuilder::new().build()?;
    let clock = Instant::now();
    let topics = hot_topics(&messages, window, 10);
    let topics_ms = clock.elapsed().as_secs_f64() * 1e3;
    let clock = Instant::now();
    let picked = representative_messages(&messages, window, &options, &pool);
    let representative_ms = clock.elapsed().as_secs_f64() * 1e3;
    let clock = Instant::now();
    let summarized = summary(&messages, window, &options, &pool);
    let summary_ms = clock.elapsed().as_secs_f64() * 1e3;

    let window_posts: Vec<_> = channel
        .window_messages()
        .iter()
        .map(|m| json!({"author": m.author, "text": m.text, "posted_at": m.posted_at}))
        .collect();
    let planted: Vec<_> = channel
        .planted
        .iter()
        .map(|t| json!({"phrase": t.phrase, "key_sentence": t.key_sentence}))
        .collect();
    let standing: Vec<_> = corpus::STANDING
        .iter()
        .map(|t| json!({"phrase": t.phrase, "key_sentence": t.key_sentence}))
        .collect();
    let out = json!({
        "window": window_posts,
        "planted": planted,
        "standing": standing,
        "hot_topics": topics.iter().map(|t| &t.phrase).collect::<Vec<_>>(),
        "representative_messages": picked.iter().map(|m| m.message).collect::<Vec<_>>(),
        "summary": summarized.sentences.iter().map(|s| s.text).collect::<Vec<_>>(),
        "timings_ms": {
            "hot_topics": topics_ms,
            "representative_messages": representative_ms,
            "summary": summary_ms,
        },
    });
    println!("{out}");
    Ok(())
}
