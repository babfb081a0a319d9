//! Chat ingest figures: a full backfill of the sandbox's default workspaces (57,200 posts, about
//! 27,700 readable per provider) into a fresh PostgreSQL database through the real adapters,
//! the service and the store, then an incremental sync with nothing new. Each provider runs
//! `INGEST_BENCH_ROUNDS` times (default 3; the source is deleted between rounds, so each
//! round is a first backfill) and the median round is printed.
//!
//! Needs `SWITCHBOARD_TEST_DATABASE_URL` (or the project cluster): the database is created for
//! the run and dropped after. Run it with `--release` for figures worth quoting; the
//! `SWITCHBOARD__CHAT__CHANNEL_CONCURRENCY` and `…__THREAD_CONCURRENCY` variables change the
//! concurrency as in the server.

#![expect(clippy::unwrap_used, reason = "a benchmark program")]

use std::time::{Duration, Instant};

use chrono::Utc;
use switchboard_app::config::{Config, Profile};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::identity::{Role, Scopes, SessionId};
use switchboard_sandbox::{MATTERMOST_TOKEN, Provider, SLACK_TOKEN, Sandbox};
use switchboard_services::{ConnectSource, Principal, PrincipalKind, SyncOutcome};
use switchboard_test_support::TestDb;

/// One round: rows written, the backfill's time, the incremental sync's time.
struct Round {
    written: u64,
    backfill: Duration,
    again: Duration,
}

impl Round {
    fn rate(&self) -> f64 {
        self.written as f64 / self.backfill.as_secs_f64()
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let rounds: usize =
        std::env::var("INGEST_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    let sandbox = Sandbox::builder().now(Utc::now()).build().start_local().unwrap();
    let db = TestDb::migrated().await;
    let mut config = Config::load(Profile::Test, None).unwrap();
    config.chat.backfill_days = 31;
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let chat = switchboard_app::ports::chat(&identity, &config.chat).unwrap();
    let user = UserId::new();
    db.client()
        .await
        .batch_execute(&format!(
            "INSERT INTO users (id, email, password_hash) VALUES ('{user}', 'b@example.org', 'x')"
        ))
        .await
        .unwrap();
    let caller = Principal {
        user_id: user,
        role: Role::Member,
        scopes: Scopes::all(),
        kind: PrincipalKind::Session(SessionId::new()),
        user: switchboard_domain::identity::User {
            id: user,
            email: switchboard_domain::identity::EmailAddress::parse("b@example.org").unwrap(),
            display_name: "Member".to_owned(),
            role: Role::Member,
            disabled: false,
            password_hash: String::new(),
            created_at: chrono::Utc::now(),
        },
    };
    println!(
        "Chat ingest into PostgreSQL: sandbox backfill ({} cores, release build, sandbox HTTP on \
         the same cores; channels {} at once, Slack threads {} at once; median of {rounds})",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        config.chat.channel_concurrency,
        config.chat.thread_concurrency,
    );
    for (provider, kind, token, url) in [
        (Provider::Slack, ChatProvider::Slack, SLACK_TOKEN, sandbox.slack_base_url()),
        (
            Provider::Mattermost,
            ChatProvider::Mattermost,
            MATTERMOST_TOKEN,
            sandbox.mattermost_base_url(),
        ),
    ] {
        let mut results = Vec::with_capacity(rounds);
        for _ in 0..rounds.max(1) {
            let request = ConnectSource {
                provider: kind,
                token: token.to_owned(),
                base_url: Some(url.clone()),
                include_direct: None,
            };
            let source = chat.connect(&caller, request).await.unwrap().source;
            let started = Instant::now();
            let outcome = chat.sync(source.id).await.unwrap();
            let backfill = started.elapsed();
            let SyncOutcome::Synced { written } = outcome else { panic!("{outcome:?}") };
            let started = Instant::now();
            chat.sync(source.id).await.unwrap();
            let again = started.elapsed();
            chat.delete(&caller, source.id).await.unwrap();
            results.push(Round { written, backfill, again });
        }
        results.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
        let median = &results[results.len() / 2];
        let readable: usize = sandbox
            .channels(provider)
            .iter()
            .filter(|c| c.member && !c.archived)
            .map(|c| c.live_posts)
            .sum();
        let all: Vec<String> = results.iter().map(|r| format!("{:.0}", r.rate())).collect();
        println!(
            "  {:<11} {:>7.0} posts/s   backfill of {} rows ({readable} live posts) in {:.2} s; \
             incremental sync with no change {:.0} ms   (rounds: {})",
            kind.to_string(),
            median.rate(),
            median.written,
            median.backfill.as_secs_f64(),
            median.again.as_secs_f64() * 1000.0,
            all.join(", "),
        );
    }
}
