//! The chat store over PostgreSQL: batched, idempotent upserts; reconciliation after a
//! backfill (or the resumed part of one); backfill checkpoints; deleting a source with
//! everything it owns.

#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::{DateTime, Duration, TimeZone, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::{ChatPost, ChatProvider};
use switchboard_domain::chat_sources::{
    BackfillCheckpoint, Channel, ChannelId, Source, SourceId, SourceStatus,
};
use switchboard_ports::{ChatStore, StoreError, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn post(id: &str, minutes: i64, root: Option<&str>) -> ChatPost {
    ChatPost {
        id: id.to_owned(),
        channel_id: "C1".to_owned(),
        author_id: "U1".to_owned(),
        author_name: Some("Ada Lovelace".to_owned()),
        text: format!("post {id}"),
        posted_at: at(minutes),
        edited_at: None,
        deleted: false,
        thread_root: root.map(str::to_owned),
    }
}

/// A user, a sealed token, a source and one channel.
async fn seeded(db: &TestDb) -> (PgUnitOfWork, Source, Channel) {
    let owner = UserId::new();
    let secret = uuid::Uuid::now_v7();
    let client = db.client().await;
    // Ids are UUIDs: safe to write into the statement.
    client
        .batch_execute(&format!(
            "INSERT INTO users (id, email, password_hash) VALUES ('{owner}', 'a@example.org', 'x');
             INSERT INTO sealed_secrets (id, owner_id, purpose, key_id, ciphertext)
             VALUES ('{secret}', '{owner}', 'chat_token', 'k1', '\\x00');"
        ))
        .await
        .unwrap();
    let source = Source {
        id: SourceId::new(),
        owner_id: owner,
        provider: ChatProvider::Mattermost,
        base_url: "http://mm.example".into(),
        token_secret_id: secret,
        external_user_id: "u".into(),
        external_user_name: "demo".into(),
        team_name: "Lab".into(),
        status: SourceStatus::Active,
        last_sync_at: None,
        last_error: None,
        backfill_done: 0,
        backfill_total: 1,
        created_at: at(0),
    };
    let channel = Channel {
        id: ChannelId::new(),
        source_id: source.id,
        owner_id: owner,
        external_id: "C1".into(),
        name: "general".into(),
        kind: "public".into(),
        followed: true,
        synced_until: None,
        created_at: at(0),
    };
    let uow = PgUnitOfWork::new(db.pool());
    let (s, c) = (source.clone(), channel.clone());
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.insert_chat_source(&s).await?;
            tx.insert_chat_channels(&[c.clone(), Channel { id: ChannelId::new(), ..c }]).await
        })
    })
    .await
    .unwrap();
    (uow, source, channel)
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

#[tokio::test(flavor = "multi_thread")]
async fn upserts_are_batched_idempotent_and_keep_known_names() {
    let db = TestDb::migrated().await;
    let (uow, source, channel) = seeded(&db).await;
    let channels: Vec<Channel> = uow
        .transact(move |tx| Box::pin(async move { tx.chat_channels_of_source(source.id).await }))
        .await
        .unwrap();
    assert_eq!(channels.len(), 1, "a provider channel id is stored once per source");

    let many: Vec<ChatPost> = (0..12_000).map(|i| post(&format!("p{i}"), i, None)).collect();
    assert_eq!(upsert(&uow, channel.id, many.clone()).await, 12_000);
    assert_eq!(upsert(&uow, channel.id, many).await, 0, "the same page writes nothing");

    let mut edited = post("p1", 1, None);
    edited.text = "edited".into();
    edited.edited_at = Some(at(500));
    edited.author_name = None;
    let twice = vec![post("p2", 2, None), edited.clone(), edited];
    assert_eq!(upsert(&uow, channel.id, twice).await, 1, "a post listed twice is written once");
    let posts = stored(&uow, channel.id).await;
    assert_eq!(posts.len(), 12_000);
    let p1 = posts.iter().find(|p| p.id == "p1").unwrap();
    assert_eq!((p1.text.as_str(), p1.edited_at), ("edited", Some(at(500))));
    assert_eq!(p1.author_name.as_deref(), Some("Ada Lovelace"), "a known name is kept");
    assert_eq!(p1.channel_id, "C1");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backfill_retires_what_it_no_longer_lists_in_its_window_only() {
    let db = TestDb::migrated().await;
    let (uow, _, channel) = seeded(&db).await;
    let posts = vec![
        post("old", 0, None),
        post("old-thread-reply", 100, Some("old")),
        post("root", 50, None),
        post("gone-reply", 60, Some("root")),
        post("gone", 70, None),
        post("kept", 80, None),
        post("gone-root", 90, None),
        post("reply-of-gone-root", 95, Some("gone-root")),
    ];
    upsert(&uow, channel.id, posts).await;
    let keep = vec!["root".to_owned(), "kept".to_owned()];
    let retired = uow
        .transact(move |tx| {
            Box::pin(
                async move { tx.retire_chat_posts(channel.id, Some(at(40)), None, &keep).await },
            )
        })
        .await
        .unwrap();
    assert_eq!(retired, 4);
    let deleted: Vec<String> =
        stored(&uow, channel.id).await.into_iter().filter(|p| p.deleted).map(|p| p.id).collect();
    assert_eq!(deleted, ["gone-reply", "gone", "gone-root", "reply-of-gone-root"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_backfill_retires_only_below_what_it_had_listed_before() {
    let db = TestDb::migrated().await;
    let (uow, _, channel) = seeded(&db).await;
    let posts = vec![
        post("old-gone", 45, None),
        post("old-kept", 48, None),
        post("reply-of-old-kept", 120, Some("old-kept")),
        post("listed-before", 60, None),
        post("deleted-later", 70, None),
    ];
    upsert(&uow, channel.id, posts).await;
    // The attempt before listed from 60 on; this one lists what is older.
    let keep = vec!["old-kept".to_owned(), "reply-of-old-kept".to_owned()];
    let retired = uow
        .transact(move |tx| {
            Box::pin(async move {
                tx.retire_chat_posts(channel.id, Some(at(40)), Some(at(60)), &keep).await
            })
        })
        .await
        .unwrap();
    assert_eq!(retired, 1);
    let deleted: Vec<String> =
        stored(&uow, channel.id).await.into_iter().filter(|p| p.deleted).map(|p| p.id).collect();
    assert_eq!(deleted, ["old-gone"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backfill_checkpoint_is_saved_replaced_cleared_and_goes_with_its_channel() {
    let db = TestDb::migrated().await;
    let (uow, source, channel) = seeded(&db).await;
    let get = |uow: &PgUnitOfWork| {
        let uow = uow.clone();
        async move {
            uow.transact(move |tx| {
                Box::pin(async move { tx.chat_backfill_checkpoint(channel.id).await })
            })
            .await
            .unwrap()
        }
    };
    let set = |uow: &PgUnitOfWork, checkpoint: Option<BackfillCheckpoint>| {
        let uow = uow.clone();
        async move {
            uow.transact(move |tx| {
                Box::pin(async move {
                    tx.set_chat_backfill_checkpoint(channel.id, checkpoint.as_ref()).await
                })
            })
            .await
        }
    };
    assert_eq!(get(&uow).await, None);
    let first =
        BackfillCheckpoint { oldest: at(0), cursor: "page-2".into(), listed_down_to: at(300) };
    set(&uow, Some(first.clone())).await.unwrap();
    assert_eq!(get(&uow).await, Some(first.clone()));
    let next = BackfillCheckpoint { cursor: "page-3".into(), listed_down_to: at(200), ..first };
    set(&uow, Some(next.clone())).await.unwrap();
    assert_eq!(get(&uow).await, Some(next.clone()));
    set(&uow, None).await.unwrap();
    assert_eq!(get(&uow).await, None);
    set(&uow, None).await.unwrap();

    set(&uow, Some(next)).await.unwrap();
    let id = source.id;
    uow.transact(move |tx| Box::pin(async move { tx.delete_chat_source(id).await })).await.unwrap();
    let client = db.client().await;
    let n: i64 = client
        .query_one("SELECT count(*) FROM chat_backfill_checkpoints", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_source_removes_its_channels_posts_and_token() {
    let db = TestDb::migrated().await;
    let (uow, source, channel) = seeded(&db).await;
    upsert(&uow, channel.id, vec![post("p", 0, None)]).await;
    let id = source.id;
    uow.transact(move |tx| Box::pin(async move { tx.delete_chat_source(id).await })).await.unwrap();
    let client = db.client().await;
    for table in ["chat_sources", "chat_channels", "chat_posts", "sealed_secrets"] {
        let n: i64 =
            client.query_one(&format!("SELECT count(*) FROM {table}"), &[]).await.unwrap().get(0);
        assert_eq!(n, 0, "{table}");
    }
    let found: Option<Source> =
        uow.transact(move |tx| Box::pin(async move { tx.chat_source(id).await })).await.unwrap();
    assert_eq!(found, None);
    let missing =
        uow.transact(move |tx| Box::pin(async move { tx.update_chat_source(&source).await })).await;
    assert_eq!(missing, Err(StoreError::NotFound));
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

async fn hours(uow: &PgUnitOfWork, channel: &Channel) -> Vec<(i64, u64)> {
    use switchboard_domain::analytics::TimeWindow;
    use switchboard_ports::ChatStatsStore;
    let (owner, id) = (channel.owner_id, channel.id);
    let window = TimeWindow::new(at(-60), at(300));
    let counts = uow
        .transact(move |tx| {
            Box::pin(async move { tx.channel_hourly_posts(owner, id, window).await })
        })
        .await
        .unwrap()
        .unwrap();
    let mut hours: Vec<(i64, u64)> = counts
        .into_iter()
        .filter(|c| c.posts > 0)
        .map(|c| ((c.hour - at(0)).num_minutes(), c.posts))
        .collect();
    hours.sort_unstable();
    hours
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hourly_rollup_follows_inserts_edits_deletions_and_retirements() {
    let db = TestDb::migrated().await;
    let (uow, source, channel) = seeded(&db).await;
    let posts =
        vec![post("a", 0, None), post("b", 10, None), post("c", 70, None), post("d", 130, None)];
    upsert(&uow, channel.id, posts).await;
    assert_eq!(hours(&uow, &channel).await, [(0, 2), (60, 1), (120, 1)]);

    // An edit that moves a post to another hour, a deletion, and a page read again unchanged.
    let moved = ChatPost { posted_at: at(75), ..post("b", 10, None) };
    let deleted = ChatPost { deleted: true, ..post("c", 70, None) };
    upsert(&uow, channel.id, vec![moved, deleted, post("d", 130, None)]).await;
    assert_eq!(hours(&uow, &channel).await, [(0, 1), (60, 1), (120, 1)]);
    assert_eq!(rollup_mismatches(&db).await, 0);

    // A backfill that lists only `a` retires the others.
    let keep = vec!["a".to_owned()];
    let id = channel.id;
    uow.transact(move |tx| {
        Box::pin(async move { tx.retire_chat_posts(id, Some(at(0)), None, &keep).await })
    })
    .await
    .unwrap();
    assert_eq!(hours(&uow, &channel).await, [(0, 1)]);
    assert_eq!(rollup_mismatches(&db).await, 0);

    // Deleting the source takes the rollup with it (the delete trigger only updates).
    let source = source.id;
    uow.transact(move |tx| Box::pin(async move { tx.delete_chat_source(source).await }))
        .await
        .unwrap();
    let left =
        db.client().await.query_one("SELECT count(*) FROM chat_post_hours", &[]).await.unwrap();
    assert_eq!(left.get::<_, i64>(0), 0);
}

/// The post versions counter of the channel.
async fn version(db: &TestDb, channel: ChannelId) -> i64 {
    let sql = format!("SELECT version FROM chat_post_versions WHERE channel_id = '{channel}'");
    db.client().await.query_one(&sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn writers_of_one_channel_take_turns_and_raise_its_counter() {
    let db = TestDb::migrated().await;
    let (uow, _, channel) = seeded(&db).await;
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
    let (uow, _, channel) = seeded(&db).await;
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
