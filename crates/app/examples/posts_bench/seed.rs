//! The channel: posts written through the store in batches, as ingest writes them.

use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::chat::{ChatPost, ChatProvider, PostKind};
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId, SourceStatus};
use switchboard_ports::{ChatStore, SealedSecret, SealedSecretStore, UnitOfWork};

use crate::world::World;

/// A word in about 1 % of the posts (and nowhere else in the vocabulary).
pub const RARE_WORD: &str = "kestrel";
/// A word in about 12 % of the posts.
pub const COMMON_WORD: &str = "deploy";
/// An author of about 2 % of the posts.
pub const AUTHOR: &str = "U17";

/// Posts written per batch (one transaction, one statement).
const BATCH: usize = 5_000;

const WORDS: &[&str] = &[
    "release",
    "review",
    "staging",
    "backlog",
    "roadmap",
    "incident",
    "metrics",
    "latency",
    "database",
    "migration",
    "rollout",
    "flaky",
    "test",
    "coffee",
    "lunch",
    "standup",
    "retro",
    "design",
    "customer",
    "ticket",
    "pager",
    "alert",
    "dashboard",
    "budget",
    "hiring",
    "offsite",
    "the",
    "a",
    "is",
    "on",
    "for",
    "with",
    "today",
    "tomorrow",
    "again",
    "please",
    "thanks",
];

/// The seeded channel, and what the scenarios ask for.
pub struct Seeded {
    pub channel: ChannelId,
    /// A thread root with replies.
    pub thread: String,
    /// Provider ids of posts to read one by one.
    pub posts: Vec<String>,
}

/// A small deterministic generator (SplitMix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self, k: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % k
    }
}

fn id(i: usize) -> String {
    format!("{}.{:06}", 1_700_000_000 + i, i % 1_000_000)
}

/// Every fifth post is a reply to a top-level post of the 60 before it.
fn is_reply(i: usize) -> bool {
    i % 5 == 4 && i > 100
}

/// Post `i` of `n`, spread evenly over the 30 days before `now`.
fn post(i: usize, n: usize, now: DateTime<Utc>) -> ChatPost {
    let mut mix = Mix(i as u64);
    let author = (mix.next(10) * mix.next(10) + mix.next(7)) % 50;
    let mut words: Vec<&str> =
        (0..6 + mix.next(10)).map(|_| WORDS[mix.next(WORDS.len() as u64) as usize]).collect();
    if mix.next(100) == 0 {
        words.push(RARE_WORD);
    }
    if mix.next(8) == 0 {
        words.insert(0, COMMON_WORD);
    }
    let thread_root = is_reply(i).then(|| {
        let mut j = i - 1 - mix.next(60) as usize;
        while is_reply(j) {
            j -= 1;
        }
        id(j)
    });
    let span = TimeDelta::days(30).num_milliseconds();
    let ago = span * (n - i) as i64 / n as i64;
    ChatPost {
        id: id(i),
        channel_id: "C-posts-bench".to_owned(),
        author_id: format!("U{author}"),
        author_name: Some(format!("Person {author}")),
        text: words.join(" "),
        posted_at: now - TimeDelta::milliseconds(ago),
        edited_at: None,
        deleted: mix.next(200) == 0,
        thread_root,
        kind: PostKind::User,
    }
}

/// The bench channel of `n` posts: found when a kept database has it, else written.
pub async fn posts(world: &World, n: usize) -> Seeded {
    let name = format!("posts-bench-{n}");
    let owner = world.owner;
    let found = {
        let mut conn = world.pool.get().await.unwrap();
        use switchboard_postgres::schema::chat_channels as c;
        c::table
            .filter(c::owner_id.eq(owner.as_uuid()))
            .filter(c::name.eq(&name))
            .select(c::id)
            .first::<uuid::Uuid>(&mut conn)
            .await
            .optional()
            .unwrap()
    };
    // Live posts only (a deleted one is not found); a root with replies.
    let live = |i: usize| !post(i, n, Utc::now()).deleted;
    let root = (0..n - 100).rev().find(|&i| !is_reply(i) && live(i) && i % 7 == 0).unwrap();
    let seeded = |channel| Seeded {
        channel,
        thread: id(root),
        posts: (0..n).rev().step_by(997).filter(|&i| live(i)).take(40).map(id).collect(),
    };
    if let Some(channel) = found {
        println!("reusing the {n} posts of channel {name} in POSTS_BENCH_DB");
        return seeded(ChannelId::from_uuid(channel));
    }
    let token = SealedSecret {
        id: uuid::Uuid::now_v7(),
        owner_id: Some(owner),
        purpose: "chat_token".into(),
        key_id: "bench".into(),
        ciphertext: vec![0],
    };
    let source = Source {
        id: SourceId::new(),
        owner_id: owner,
        provider: ChatProvider::Slack,
        base_url: "http://bench.invalid".into(),
        token_secret_id: token.id,
        external_user_id: "bench".into(),
        external_user_name: "posts-bench".into(),
        team_name: "Bench".into(),
        // The scheduled sync leaves it alone (its token is no token).
        status: SourceStatus::ReauthRequired,
        last_sync_at: None,
        last_error: None,
        backfill_done: 1,
        backfill_total: 1,
        created_at: Utc::now(),
        include_direct: false,
        team_id: "TBENCH".into(),
    };
    let channel = Channel {
        id: ChannelId::new(),
        source_id: source.id,
        owner_id: owner,
        external_id: "C-posts-bench".into(),
        name,
        kind: "public".into(),
        followed: false,
        include_bots: false,
        synced_until: None,
        unreadable_since: None,
        created_at: Utc::now(),
    };
    let id_of = channel.id;
    world
        .uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.put_sealed(&token).await?;
                tx.insert_chat_source(&source).await?;
                tx.insert_chat_channels(&[channel]).await
            })
        })
        .await
        .unwrap();

    let now = Utc::now();
    let started = Instant::now();
    let mut from = 0;
    while from < n {
        let page: Vec<ChatPost> = (from..(from + BATCH).min(n)).map(|i| post(i, n, now)).collect();
        world
            .uow
            .transact(move |tx| Box::pin(async move { tx.upsert_chat_posts(id_of, &page).await }))
            .await
            .unwrap();
        from += BATCH;
    }
    let wrote = started.elapsed().as_secs_f64();
    println!(
        "{n} posts written through upsert_chat_posts in batches of {BATCH} in {wrote:.1} s \
         ({:.0} posts/s, triggers and read indexes included)",
        n as f64 / wrote
    );
    let mut conn = world.pool.get().await.unwrap();
    for sql in ["VACUUM ANALYZE chat_posts", "CHECKPOINT"] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    crate::settle::write_back().await;
    seeded(id_of)
}
