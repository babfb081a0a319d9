//! The speed comparison with sumy, made reproducible: writes the exact 10,000-post window of
//! the criterion bench (`benches/analytics.rs`: seed 7, 30 days of 1,000 posts, then the
//! window) to a JSON file, then times representative messages and summary over exactly
//! those posts and prints the timings (median of `RUNS`, default 11) as JSON on stdout.
//! `scripts/quality/compare.py` times sumy's LexRank on the same file.
//!
//! `cargo run --release -p switchboard-domain --example lexrank_window -- OUT.json [RUNS]`

use std::time::Instant;

use serde_json::json;
use switchboard_domain::analytics::{
    ChatMessage, LexRankOptions, TimeWindow, representative_messages, summary,
};

#[path = "../tests/corpus/mod.rs"]
mod corpus;

/// The median of `runs` timings of `work`, in milliseconds.
fn median_ms(runs: usize, mut work: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let clock = Instant::now();
            work();
            clock.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or("usage: lexrank_window OUT.json [RUNS]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(11);

    // The criterion bench's channel.
    let channel = corpus::channel(7, 30, 1_000, 10_000, 3);
    let window: TimeWindow = channel.window;
    let posts: Vec<ChatMessage<'_>> = channel.window_messages();
    let file = json!({
        "about": "the 10,000-post window of crates/domain/benches/analytics.rs (corpus seed 7, \
                  30 days x 1,000 posts of history, then the window), in time order",
        "window": {"start": window.start, "end": window.end},
        "messages": posts
            .iter()
            .map(|m| json!({"author": m.author, "text": m.text, "posted_at": m.posted_at}))
            .collect::<Vec<_>>(),
    });
    std::fs::write(&out, serde_json::to_vec(&file)?)?;

    // Ours, over exactly the posts written (the history is not needed by these two).
    let options = LexRankOptions::default();
    // One thread per core, as the server's analytics pool.
    let pool = rayon::ThreadPoolBuilder::new().build()?;
    let picked = representative_messages(&posts, window, &options, &pool);
    let summarized = summary(&posts, window, &options, &pool);
    let representative_ms = median_ms(runs, || {
        std::hint::black_box(representative_messages(&posts, window, &options, &pool));
    });
    let summary_ms = median_ms(runs, || {
        std::hint::black_box(summary(&posts, window, &options, &pool));
    });
    let report = json!({
        "file": out,
        "messages": posts.len(),
        "runs": runs,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "median_ms": {"representative_messages": representative_ms, "summary": summary_ms},
        "representative_messages": picked.iter().map(|m| m.message).collect::<Vec<_>>(),
        "summary": summarized.sentences.iter().map(|s| s.text).collect::<Vec<_>>(),
    });
    println!("{report}");
    Ok(())
}
