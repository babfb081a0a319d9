//! Mail figures, in three parts, each against its target:
//!
//! 1. first sync: one large Outlook mailbox at the in-process sandbox (`MAIL_BENCH_MESSAGES`,
//!    default 20,000 over 90 days) linked On-Behalf-Of and synced into a fresh PostgreSQL
//!    database through the app's own adapters (identity platform client, Graph through
//!    graph-rs-sdk), the service and the store; messages per second, median of
//!    `MAIL_BENCH_ROUNDS` (default 3; the account is unlinked between rounds, so each round is
//!    a first sync). Then the same for the Gmail mailbox of the same size, linked through
//!    Google's consent over the HTTP API, read through google-gmail1. Target: 2,000
//!    messages/s or more for each.
//! 2. list and search: `MAIL_BENCH_STORED` (default 100,000) messages written through the store
//!    for one account, then `MAIL_BENCH_CLIENTS` (default 32) concurrent clients for
//!    `MAIL_BENCH_SECS` (default 10) per scenario against the HTTP server running in this
//!    process: requests per second, p50 and p99, saturated (clients never pausing) and paced
//!    (the same clients offering `MAIL_BENCH_RATE`, default 1,000, requests a second
//!    together); then the mail analytics GETs (pulse hourly and daily, top senders, thread
//!    summaries) over the same account. Target: p99 under 10 ms.
//! 3. streaming: a message with a `MAIL_BENCH_ATTACHMENT_MB` (default 25) MB attachment,
//!    downloaded through the HTTP route while this process's resident memory is sampled.
//!    Target: a peak increase of a small fraction of the attachment (under 5 MB).
//!
//! Needs `SWITCHBOARD_TEST_DATABASE_URL` (or the project cluster): the database is created for
//! the run and dropped after (kept, and its name printed, with `MAIL_BENCH_KEEP=1`). Run it with `--release` for figures worth quoting. The sandbox,
//! the server and the clients share this machine's cores.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark program")]

#[path = "../shared/http_load.rs"]
mod http_load;
mod load;
mod seed;
mod server;
#[path = "../shared/settle.rs"]
mod settle;
mod stream;
mod sync;

/// A positive number from the environment, else `default`.
fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let world = server::World::start(
        env_or("MAIL_BENCH_MESSAGES", 20_000),
        env_or("MAIL_BENCH_ATTACHMENT_MB", 25) as u64 * 1024 * 1024,
    )
    .await;
    println!("Mail ({cores} cores, release build; sandbox, server and clients on the same cores)");
    let rounds = env_or("MAIL_BENCH_ROUNDS", 3);
    let account = sync::first_sync(&world, sync::Provider::Outlook, rounds).await;
    let gmail = sync::first_sync(&world, sync::Provider::Gmail, rounds).await;
    world.mail.unlink(&world.caller, gmail).await.unwrap();
    let stored = env_or("MAIL_BENCH_STORED", 100_000);
    let seeded = seed::messages(&world, stored).await;
    let (clients, secs) = (env_or("MAIL_BENCH_CLIENTS", 32), env_or("MAIL_BENCH_SECS", 10));
    load::run(&world, &seeded, clients, secs, env_or("MAIL_BENCH_RATE", 1_000)).await;
    stream::attachment(&world, account).await;
    if std::env::var_os("MAIL_BENCH_KEEP").is_some() {
        // For studying the statements afterwards: the database outlives the run.
        println!("database kept: {}", world.db.name());
        std::mem::forget(world);
    }
}
