//! Reading a channel's posts under load, for `make bench`: a channel of `POSTS_BENCH_POSTS`
//! (default 1,000,000) posts over 30 days, a fifth of them thread replies, written through the
//! store (`upsert_chat_posts`, as ingest writes them, the read indexes and triggers included);
//! then `POSTS_BENCH_CLIENTS` (default 32) concurrent clients for `POSTS_BENCH_SECS` (default
//! 10) per scenario against the HTTP server running in this process: the first page (flat and
//! nested), cursor pages 2–41, an author's posts, a search for a word in 1 % of the posts and
//! one in about 12 %, a thread's replies, and single posts with their threads. Requests per
//! second, p50 and p99 per scenario, saturated (clients never pausing) and paced (the same
//! clients offering `POSTS_BENCH_RATE`, default 1,000, requests a second together; see
//! `shared/http_load.rs`). Target: p99 under 10 ms.
//!
//! The clients are `wrk -t2` when installed (`make bench` installs it), else reqwest clients
//! in this process (`POSTS_BENCH_WRK=0` forces those; they take a share of the CPU).
//!
//! Needs `SWITCHBOARD_TEST_DATABASE_URL` (or the project cluster). The database is created for
//! the run and dropped after; with `POSTS_BENCH_DB=<name>` it is kept under that name and the
//! next run reuses its posts (minutes of writing saved when only the reads changed). Run it
//! with `--release` for figures worth quoting: the server, PostgreSQL and the clients share
//! this machine's cores.
//!
//! `cargo build --release -p switchboard-app --example posts_bench && target/release/examples/posts_bench`

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark program")]

#[path = "../shared/http_load.rs"]
mod http_load;
mod load;
mod seed;
#[path = "../shared/settle.rs"]
mod settle;
mod world;

/// A positive number from the environment, else `default`.
fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let world = world::World::start().await;
    println!(
        "Chat posts ({cores} cores, release build; server, PostgreSQL and clients on the same cores)"
    );
    let seeded = seed::posts(&world, env_or("POSTS_BENCH_POSTS", 1_000_000)).await;
    let (clients, secs) = (env_or("POSTS_BENCH_CLIENTS", 32), env_or("POSTS_BENCH_SECS", 10));
    load::run(&world, &seeded, clients, secs, env_or("POSTS_BENCH_RATE", 1_000)).await;
}
