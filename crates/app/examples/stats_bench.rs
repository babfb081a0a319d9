//! Channel analytics figures, for `make bench`: a channel of 1,000,000 posts, all in
//! the pulse's seven-day window, written through the store (`upsert_chat_posts`, batches of
//! 5,000, so the rollup triggers run as at ingest), then:
//!
//! - the pulse of that channel through `StatsService::channel_pulse`, the routes' path (p50,
//!   p99, max of 200 calls), computed from the rollup each time and then kept; and of all the
//!   user's channels (`StatsService::pulse`);
//! - for comparison, the same counts by `date_bin … GROUP BY` over `chat_posts`;
//! - the statistics of the past day computed on a miss and stored (what a GET does before the
//!   consumer has run), then read back stored.
//!
//! `DATABASE_URL` names a migrated database. With `--email E` the channel belongs to that user
//! (who must exist: `make bench` registers one, then loads `GET /api/stats/…` of this channel
//! with wrk); without, to a new user. The last line is `channel=<id>`. Channels of earlier
//! runs are deleted first. `--posts N` changes the size.
//!
//! `cargo run --release -p switchboard-app --example stats_bench -- --posts 1000000`

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark program")]

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use diesel_async::RunQueryDsl;
use switchboard_app::config::{Config, Profile};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::{ChatStore, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;

const MARKER: &str = "stats-bench";
const TOPICS: [&str; 8] = [
    "database migration",
    "release checklist",
    "flaky login test",
    "security audit",
    "offsite venue",
    "coffee machine",
    "quarterly roadmap",
    "on-call rotation",
];
const VERBS: [&str; 8] =
    ["needs", "blocks", "follows", "changes", "touches", "delays", "fixes", "updates"];
const OBJECTS: [&str; 8] = [
    "the deploy",
    "our staging cluster",
    "the backlog",
    "the API",
    "the mobile app",
    "tomorrow's demo",
    "the docs",
    "everyone",
];

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != name);
    args.next().and_then(|_| args.next())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Post `i` of `n`, spread evenly over the last seven days (minus a minute).
fn post(i: usize, n: usize, now: chrono::DateTime<Utc>) -> ChatPost {
    let mut x =
        (i as u64).wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let mut next = |k: usize| {
        x ^= x >> 29;
        x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (x >> 33) as usize % k
    };
    // A few people write most posts.
    let author = (next(10) * next(10) + next(5)) % 40;
    // The last day talks about the security audit far more than the week before it.
    let topic = if i * 7 >= n * 6 && next(2) == 0 { 3 } else { next(8) };
    let text = format!(
        "The {} {} {}, see #{}",
        TOPICS[topic],
        VERBS[next(8)],
        OBJECTS[next(8)],
        next(1000)
    );
    let span = TimeDelta::days(7) - TimeDelta::minutes(1);
    let ago = span.num_milliseconds() * (n - i) as i64 / n as i64;
    ChatPost {
        id: format!("{i:08}"),
        channel_id: "C-bench".to_owned(),
        author_id: format!("U{author}"),
        author_name: Some(format!("person {author}")),
        kind: switchboard_domain::chat::PostKind::User,
        text,
        posted_at: now - TimeDelta::milliseconds(ago),
        edited_at: None,
        deleted: false,
        thread_root: None,
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let posts: usize = arg("--posts").map_or(1_000_000, |n| n.parse().expect("--posts N"));
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let pool = switchboard_postgres::connect(&url, 8).unwrap();
    let mut conn = pool.get().await.unwrap();
    let exec = |sql: String| diesel::sql_query(sql);

    // The owner, and no channel of an earlier run.
    let owner = match arg("--email") {
        Some(email) => {
            #[derive(diesel::QueryableByName)]
            struct Id {
                #[diesel(sql_type = diesel::sql_types::Uuid)]
                id: uuid::Uuid,
            }
            let found: Id = diesel::sql_query("SELECT id FROM users WHERE email = $1")
                .bind::<diesel::sql_types::Text, _>(email.trim().to_lowercase())
                .get_result(&mut conn)
                .await
                .expect("the --email user exists");
            UserId::from_uuid(found.id)
        }
        None => {
            let id = UserId::new();
            let sql = format!(
                "INSERT INTO users (id, email, password_hash) VALUES ('{id}', '{id}@bench.invalid', 'x')"
            );
            exec(sql).execute(&mut conn).await.unwrap();
            id
        }
    };
    let started = Instant::now();
    let old = format!("DELETE FROM chat_sources WHERE external_user_name = '{MARKER}'");
    let deleted = exec(old).execute(&mut conn).await.unwrap();
    exec(format!("DELETE FROM sealed_secrets WHERE purpose = '{MARKER}'"))
        .execute(&mut conn)
        .await
        .unwrap();
    if deleted > 0 {
        println!(
            "deleted {deleted} bench source(s) of earlier runs in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let (secret, source, channel) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), ChannelId::new());
    for sql in [
        format!(
            "INSERT INTO sealed_secrets (id, owner_id, purpose, key_id, ciphertext)
             VALUES ('{secret}', '{owner}', '{MARKER}', 'bench', '')"
        ),
        format!(
            // `reauth_required`: the scheduled sync leaves it alone (its token is no token).
            "INSERT INTO chat_sources (id, owner_id, provider, base_url, token_secret_id,
                                       external_user_id, external_user_name, status, created_at)
             VALUES ('{source}', '{owner}', 'mattermost', 'http://bench.invalid', '{secret}',
                     'bench', '{MARKER}', 'reauth_required', now())"
        ),
        format!(
            "INSERT INTO chat_channels (id, source_id, owner_id, external_id, name, kind, created_at)
             VALUES ('{channel}', '{source}', '{owner}', 'C-bench', 'bench-{posts}', 'public', now())"
        ),
    ] {
        exec(sql).execute(&mut conn).await.unwrap();
    }

    // The posts, through the store as ingest writes them: 2 writers, 10,000 per transaction.
    let now = Utc::now();
    let uow = PgUnitOfWork::new(pool.clone());
    let started = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..2 {
        let uow = uow.clone();
        writers.spawn(async move {
            let mut from = writer * 10_000;
            while from < posts {
                let page: Vec<ChatPost> =
                    (from..(from + 10_000).min(posts)).map(|i| post(i, posts, now)).collect();
                uow.transact(move |tx| {
                    Box::pin(async move { tx.upsert_chat_posts(channel, &page).await })
                })
                .await
                .unwrap();
                from += 20_000;
            }
        });
    }
    while writers.join_next().await.is_some() {}
    let wrote = started.elapsed();
    println!(
        "wrote {posts} posts in {:.1} s through upsert_chat_posts ({:.0} posts/s, rollup triggers included)",
        wrote.as_secs_f64(),
        posts as f64 / wrote.as_secs_f64()
    );
    exec("VACUUM ANALYZE chat_posts".into()).execute(&mut conn).await.unwrap();
    exec("ANALYZE chat_post_hours".into()).execute(&mut conn).await.unwrap();
    // The bulk load left about 250 MB of dirty pages, which the checkpointer would otherwise
    // write out over the next minutes, during the measurements below and the HTTP load after.
    exec("CHECKPOINT".into()).execute(&mut conn).await.unwrap();

    let config = Config::load(Profile::Test, None).unwrap();
    let identity = switchboard_app::ports::identity(pool.clone(), &config.auth).unwrap();
    let stats = switchboard_app::ports::stats(&identity, &config.stats).unwrap();
    let uncached = switchboard_app::config::StatsConfig { pulse_cache_entries: 0, ..config.stats };
    let computing = switchboard_services::StatsService::new(
        identity.uow.clone(),
        switchboard_ports::SystemClock,
        switchboard_app::ports::stats_policy(&uncached),
        // The pulse needs no analytics pool: the computations run on the calling thread.
        std::sync::Arc::new(switchboard_domain::analytics::Sequential),
    );

    // The pulse as the routes compute it, every time from the hourly rollup (no kept pulse);
    // then as they serve it once kept (the channel's counter read, the pulse not recomputed).
    for (service, what) in [(&computing, "computed from the hourly rollup"), (&stats, "kept")] {
        let mut times = Vec::new();
        for _ in 0..200 {
            let started = Instant::now();
            let points = service.channel_pulse(owner, channel).await.unwrap();
            times.push(started.elapsed());
            assert_eq!(points.len(), 168);
        }
        times.sort_unstable();
        println!(
            "pulse of the {posts}-post channel (StatsService::channel_pulse, {what}): p50 {} p99 {} max {}",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(times[times.len() - 1])
        );
    }
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        stats.pulse(owner).await.unwrap();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    println!(
        "pulse of all the owner's followed channels (StatsService::pulse): p50 {}",
        ms(percentile(&times, 0.5))
    );

    // The alternative measured: counting the posts at each request.
    let group_by = format!(
        "SELECT date_bin('1 hour', posted_at, timestamptz '2000-01-01Z') AS hour, count(*)
           FROM chat_posts
          WHERE channel_id = '{channel}' AND posted_at >= now() - interval '7 days' AND NOT deleted
          GROUP BY 1"
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        exec(group_by.clone()).execute(&mut conn).await.unwrap();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    println!(
        "  for comparison, date_bin GROUP BY over chat_posts: p50 {} (5 runs)",
        ms(percentile(&times, 0.5))
    );

    // The stored statistics: computed on a miss (the latest 10,000 posts of the day, 20,000
    // of the week before), then read.
    let started = Instant::now();
    let computed = stats.channel_stats(owner, channel).await.unwrap();
    println!(
        "statistics of the past day computed and stored on a miss: {} ({} posts analysed; hot topics {:?})",
        ms(started.elapsed()),
        computed.stats.posts,
        computed.stats.hot_topics.iter().take(3).collect::<Vec<_>>()
    );
    let mut times = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        stats.channel_stats(owner, channel).await.unwrap();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    println!(
        "stored statistics read (StatsService::channel_stats): p50 {} p99 {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );
    println!("channel={channel}");
}
