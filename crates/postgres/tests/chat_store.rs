//! The chat store's PostgreSQL-specific behaviour: the hourly rollup kept by triggers, rows
//! really removed, how writers of one channel take turns (row locks), and a search planned
//! once per connection. What every store does is the store contract (`tests/store.rs`).

#![expect(clippy::unwrap_used, reason = "tests")]

use switchboard_contracts::stores::{Seeded, at, post, seeded};
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_posts::{PostCursor, PostQuery};
use switchboard_domain::chat_sources::{BackfillCheckpoint, ChannelId};
use switchboard_ports::{ChatStore, StoreError, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

#[path = "shared/prepared.rs"]
mod prepared;
use prepared::prepared_statements;

async fn start(db: &TestDb) -> (PgUnitOfWork, Seeded) {
    let uow = PgUnitOfWork::new(db.pool());
    let seeded = seeded(&uow, "a@example.org").await;
    (uow, seeded)
}

async fn upsert(uow: &PgUnitOfWork, channel: ChannelId, posts: Vec<ChatPost>) -> u64 {
    uow.transact(move |tx| Box::pin(async move { tx.upsert_chat_posts(channel, &posts).await }))
        .await
        .unwrap()
}

async fn stored(uow: &PgUnitOfWork, channel: ChannelId) -> Vec<ChatPost> {
    uow.transact(move |tx| Box::pin(async move { tx.chat_posts(channel, None).await }))
        .await
        .unwrap()
}

async fn count(db: &TestDb, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    db.client().await.query_one(&sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_source_leaves_no_row_of_it_behind() {
    // Through the ports, the source and what it owns are gone (the store contract); here,
    // their rows are.
    let db = TestDb::migrated().await;
    let (uow, seeded) = start(&db).await;
    let channel = seeded.channel.id;
    upsert(&uow, channel, vec![post("p", 0, None)]).await;
    let checkpoint =
        BackfillCheckpoint { oldest: at(0), cursor: "page-2".into(), listed_down_to: at(300) };
    uow.transact(move |tx| {
        Box::pin(async move { tx.set_chat_backfill_checkpoint(channel, Some(&checkpoint)).await })
    })
    .await
    .unwrap();
    let id = seeded.source.id;
    uow.transact(move |tx| Box::pin(async move { tx.delete_chat_source(id).await })).await.unwrap();
    // The rollup goes too, though the posts' delete trigger only updates it.
    for table in [
        "chat_sources",
        "chat_channels",
        "chat_posts",
        "sealed_secrets",
        "chat_backfill_checkpoints",
        "chat_post_hours",
    ] {
        assert_eq!(count(&db, table).await, 0, "{table}");
    }
}

/// Rows of the hourly rollup that disagree with counting the live posts.
async fn rollup_mismatches(db: &TestDb) -> i64 {
    let counted = "SELECT channel_id, date_bin('1 hour', posted_at, timestamptz '2000-01-01Z'), \
                   count(*) FROM chat_posts WHERE NOT deleted GROUP BY 1, 2";
    let kept = "SELECT channel_id, hour, posts::bigint FROM chat_post_hours WHERE posts <> 0";
    let sql = format!(
        "SELECT count(*) FROM (({kept} EXCEPT {counted}) UNION ALL ({counted} EXCEPT {kept})) d"
    );
    db.client().await.query_one(&sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hourly_rollup_follows_inserts_edits_deletions_and_retirements() {
    let db = TestDb::migrated().await;
    let (uow, seeded) = start(&db).await;
    let channel = seeded.channel;
    let posts =
        vec![post("a", 0, None), post("b", 10, None), post("c", 70, None), post("d", 130, None)];
    upsert(&uow, channel.id, posts).await;
    assert_eq!(rollup_mismatches(&db).await, 0);

    // An edit that moves a post to another hour, a deletion, and a page read again unchanged.
    let moved = ChatPost { posted_at: at(75), ..post("b", 10, None) };
    let deleted = ChatPost { deleted: true, ..post("c", 70, None) };
    upsert(&uow, channel.id, vec![moved, deleted, post("d", 130, None)]).await;
    assert_eq!(rollup_mismatches(&db).await, 0);

    // A backfill that lists only `a` retires the others.
    let keep = vec!["a".to_owned()];
    let id = channel.id;
    uow.transact(move |tx| {
        Box::pin(async move { tx.retire_chat_posts(id, Some(at(0)), None, &keep).await })
    })
    .await
    .unwrap();
    assert_eq!(rollup_mismatches(&db).await, 0);
}

/// The post versions counter of the channel.
async fn version(db: &TestDb, channel: ChannelId) -> i64 {
    let sql = format!("SELECT version FROM chat_post_versions WHERE channel_id = '{channel}'");
    db.client().await.query_one(&sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn writers_of_one_channel_take_turns_and_raise_its_counter() {
    let db = TestDb::migrated().await;
    let (uow, seeded) = start(&db).await;
    let channel = seeded.channel;
    assert_eq!(version(&db, channel.id).await, 0, "a channel has its counter from the start");

    // Two writers, each committing pages of 12,000 posts (three statements each) over the same
    // hours in different orders.
    let page = |writer: usize, round: usize| -> Vec<ChatPost> {
        (0..12_000_i64)
            .map(|i| {
                let minutes = if writer == 0 { i % 600 } else { 599 - i % 600 };
                post(&format!("w{writer}r{round}p{i}"), minutes, None)
            })
            .collect()
    };
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..2 {
        let uow = uow.clone();
        let id = channel.id;
        let pages: Vec<Vec<ChatPost>> = (0..3).map(|round| page(writer, round)).collect();
        writers.spawn(async move {
            for posts in pages {
                uow.transact(move |tx| {
                    Box::pin(async move { tx.upsert_chat_posts(id, &posts).await })
                })
                .await?;
            }
            Ok::<_, StoreError>(())
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap().unwrap();
    }
    assert_eq!(stored(&uow, channel.id).await.len(), 72_000);
    assert_eq!(rollup_mismatches(&db).await, 0);
    // Every statement that wrote posts raised it: 6 pages of 3 statements.
    assert_eq!(version(&db, channel.id).await, 18);

    // A page written again unchanged raises nothing.
    upsert(&uow, channel.id, page(0, 0)).await;
    assert_eq!(version(&db, channel.id).await, 18);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_writer_waits_for_the_channels_turn_before_it_locks_anything_else() {
    let db = TestDb::migrated().await;
    let (uow, seeded) = start(&db).await;
    let channel = seeded.channel;
    // Another transaction holds the channel's turn.
    let mut holder = db.client().await;
    let turn = holder.transaction().await.unwrap();
    let take = format!(
        "SELECT version FROM chat_post_versions WHERE channel_id = '{}' FOR UPDATE",
        channel.id
    );
    turn.execute(&take, &[]).await.unwrap();

    let id = channel.id;
    let writer = tokio::spawn({
        let uow = uow.clone();
        async move { upsert(&uow, id, vec![post("a", 0, None), post("b", 70, None)]).await }
    });
    // The writer's first statement is the one that waits: it holds no post and no hour yet.
    let waiting = "SELECT pid FROM pg_stat_activity \
                   WHERE wait_event_type = 'Lock' AND query LIKE '%chat_post_versions%FOR UPDATE%' \
                   AND pid <> pg_backend_pid()";
    let observer = db.client().await;
    let mut polls = 0;
    let pid: i32 = loop {
        if let Some(row) = observer.query_opt(waiting, &[]).await.unwrap() {
            break row.get(0);
        }
        polls += 1;
        assert!(polls < 5_000, "the writer never waited for its turn");
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    };
    assert!(!writer.is_finished());
    // An INSERT or UPDATE of posts (or, by trigger, of hours) would hold this table lock.
    let written = "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                   WHERE l.pid = $1 AND l.mode = 'RowExclusiveLock' \
                   AND c.relname IN ('chat_posts', 'chat_post_hours')";
    assert_eq!(observer.query_one(written, &[&pid]).await.unwrap().get::<_, i64>(0), 0);

    turn.commit().await.unwrap();
    assert_eq!(writer.await.unwrap(), 2);
    assert_eq!(version(&db, id).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_search_page_is_planned_once_per_connection() {
    let db = TestDb::migrated().await;
    // One connection, so every page runs where the first was prepared.
    let uow = PgUnitOfWork::new(switchboard_postgres::connect(db.url(), 1).unwrap());
    let Seeded { owner, channel, .. } = seeded(&uow, "a@example.org").await;
    let channel = channel.id;
    let posts = (0..3_000)
        .map(|i| {
            let text = if i % 100 == 7 { "the kestrel report" } else { "the weekly report" };
            ChatPost { text: text.into(), ..post(&format!("p{i}"), i, None) }
        })
        .collect();
    upsert(&uow, channel, posts).await;
    // Statistics, so the plans are costed as in use.
    db.client().await.batch_execute("ANALYZE chat_posts").await.unwrap();
    let cursor = PostCursor { posted_at: at(2_500), external_id: "p2500".into() };
    let prepared = uow
        .read(move |tx| {
            Box::pin(async move {
                // More than the five executions PostgreSQL would plan for their values before
                // weighing the plan it could keep; pages of 42 and 50 share a statement.
                for (word, limit) in [("kestrel", 42), ("report", 50)].repeat(4) {
                    let query = PostQuery {
                        q: Some(word.into()),
                        after: Some(cursor.clone()),
                        ..PostQuery::of(channel, limit)
                    };
                    tx.chat_post_page(owner.id, &query).await?;
                }
                prepared_statements(tx, "WITH walk").await
            })
        })
        .await
        .unwrap();
    let plans: Vec<(i64, i64)> =
        prepared.iter().map(|p| (p.custom_plans, p.generic_plans)).collect();
    assert_eq!(plans, [(0, 8)], "one statement, its plan made once: {prepared:?}");
    assert!(prepared[0].statement.contains(" LIMIT 51)"), "a page's rows as a literal");
}
