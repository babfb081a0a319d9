//! The channel-statistics consumer over PostgreSQL: only channels that received posts since
//! its checkpoint are recomputed, its checkpoint moves with its results (or not at all), stale
//! windows are refreshed, and the binary's job runs it.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_app::jobs::{JobContext, registry};
use switchboard_memory::ManualClock;
use switchboard_ports::{JobQueue, Transaction, UnitOfWork};
use switchboard_postgres::{PgJobQueue, PgUnitOfWork};
use switchboard_services::jobs::new_job;
use switchboard_services::stats::StatsUpdateJob;
use switchboard_test_support::TestDb;

use crate::seed::{channels, ingest, member, post};
use crate::stats::{general, half_past, stats_service};
use crate::support::{config, instance};

/// `(window_end, posts)` of a channel's stored statistics.
async fn row(db: &TestDb, channel: impl std::fmt::Display) -> Option<(DateTime<Utc>, i32)> {
    let sql = format!(
        "SELECT (extract(epoch FROM window_end) * 1000)::bigint, posts
           FROM chat_channel_stats WHERE channel_id = '{channel}'"
    );
    let rows = db.client().await.query(&sql, &[]).await.unwrap();
    rows.first().map(|r| (DateTime::from_timestamp_millis(r.get(0)).unwrap(), r.get(1)))
}

/// The consumer's checkpoint, and the last event of the log.
async fn positions(db: &TestDb) -> (Option<(i64, i64)>, (i64, i64)) {
    let client = db.client().await;
    let checkpoint = client
        .query("SELECT tx_id, event_id FROM event_consumers WHERE name = 'chat.channel_stats'", &[])
        .await
        .unwrap();
    let checkpoint = checkpoint.first().and_then(|r| Some((r.get::<_, Option<i64>>(0)?, r.get(1))));
    let last = client
        .query_one("SELECT tx_id, id FROM events ORDER BY tx_id DESC, id DESC LIMIT 1", &[])
        .await
        .unwrap();
    (checkpoint, (last.get(0), last.get(1)))
}

#[actix_web::test]
async fn only_channels_that_received_posts_since_the_checkpoint_are_recomputed() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, _) = member(&app, "ada@example.org").await;
    let ids = channels(&db, ada, &["general", "random"]).await;
    let (busy, quiet) = (ids[0], ids[1]);
    let uow = PgUnitOfWork::new(db.pool());
    ingest(&uow, ada, busy, general(now)).await;
    let note = post("q1", "bob", "The quiet channel has one post.", now - TimeDelta::hours(2));
    ingest(&uow, ada, quiet, vec![note]).await;
    let stats = stats_service(&db, &clock);

    // The log also holds ada's registration: every event is read, posts events acted on.
    let first = stats.update().await.unwrap();
    assert_eq!((first.events, first.refreshed), (3, 0));
    let (checkpoint, last) = positions(&db).await;
    assert_eq!(checkpoint, Some(last), "the checkpoint is at the last event read");
    assert_eq!(row(&db, busy).await, Some((now, 6)));
    let quiet_before = row(&db, quiet).await;
    assert_eq!(quiet_before, Some((now, 1)));

    // Ten minutes later a post arrives in the busy channel only.
    clock.advance(Duration::from_secs(600));
    let later = now + TimeDelta::minutes(10);
    let reply = post("g7", "cyd", "The database migration is done.", later - TimeDelta::minutes(1));
    ingest(&uow, ada, busy, vec![reply]).await;
    let second = stats.update().await.unwrap();
    assert_eq!((second.events, second.refreshed), (1, 0));
    assert_eq!(row(&db, busy).await, Some((later, 7)), "recomputed with the new post");
    assert_eq!(row(&db, quiet).await, quiet_before, "untouched");
    let (checkpoint, last) = positions(&db).await;
    assert_eq!(checkpoint, Some(last));

    // Nothing new: nothing read, nothing recomputed.
    let third = stats.update().await.unwrap();
    assert_eq!((third.events, third.refreshed), (0, 0));
    assert_eq!(row(&db, busy).await, Some((later, 7)));

    // Hours later the past day has moved on: both windows are refreshed without any event.
    clock.advance(Duration::from_secs(3 * 3600));
    let refreshed = stats.update().await.unwrap();
    assert_eq!((refreshed.events, refreshed.refreshed), (0, 2));
    let moved = later + TimeDelta::hours(3);
    assert_eq!(row(&db, quiet).await, Some((moved, 1)));
    assert_eq!(row(&db, busy).await.map(|r| r.0), Some(moved));
}

#[actix_web::test]
async fn a_failing_consumer_moves_neither_its_checkpoint_nor_any_statistics() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, _) = member(&app, "ada@example.org").await;
    let channel = channels(&db, ada, &["general"]).await[0];
    let uow = PgUnitOfWork::new(db.pool());
    ingest(&uow, ada, channel, general(now)).await;
    let stats = stats_service(&db, &clock);
    assert_eq!(stats.update().await.unwrap().events, 2);
    let (before, _) = positions(&db).await;
    let stored = row(&db, channel).await;

    clock.advance(Duration::from_secs(60));
    let late = post("g9", "bob", "One more thing about the database migration.", now);
    ingest(&uow, ada, channel, vec![late]).await;
    let client = db.client().await;
    let refuse = "ALTER TABLE chat_channel_stats ADD CONSTRAINT refuse CHECK (posts < 0) NOT VALID";
    client.batch_execute(refuse).await.unwrap();
    assert!(stats.update().await.is_err());
    assert_eq!(positions(&db).await.0, before, "the checkpoint stays");
    assert_eq!(row(&db, channel).await, stored, "the statistics stay");

    // Once the store accepts them again, the same events are processed.
    client.batch_execute("ALTER TABLE chat_channel_stats DROP CONSTRAINT refuse").await.unwrap();
    assert_eq!(stats.update().await.unwrap().events, 1);
    let (checkpoint, last) = positions(&db).await;
    assert_eq!(checkpoint, Some(last));
    assert_eq!(row(&db, channel).await, Some((now + TimeDelta::minutes(1), 7)));
}

#[actix_web::test]
async fn the_binary_runs_the_consumer_as_a_job() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::new(Utc::now());
    let app = instance(&db, &config, &clock).await;
    let (ada, _) = member(&app, "ada@example.org").await;
    let channel = channels(&db, ada, &["general"]).await[0];
    let uow = PgUnitOfWork::new(db.pool());
    ingest(&uow, ada, channel, general(Utc::now())).await;
    uow.transact(|tx| {
        Box::pin(async move {
            let job = new_job(&StatsUpdateJob::<switchboard_app::ports::PgPorts>::default())
                .map_err(|e| switchboard_ports::StoreError::Other(e.to_string()))?;
            tx.enqueue(job).await
        })
    })
    .await
    .unwrap();

    let (queue, _listener) = PgJobQueue::new(db.pool(), db.url());
    let id = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let context = JobContext::new(&id, &config).unwrap();
    let jobs = queue.claim("test", 10, Duration::from_secs(60)).await.unwrap();
    assert_eq!(jobs.len(), 1);
    for job in jobs {
        assert_eq!(job.job_type, "chat.stats_update");
        registry().run(&job.job_type, job.payload, context.clone()).await.unwrap();
        assert!(queue.complete("test", job.id).await.unwrap());
    }
    assert_eq!(row(&db, channel).await.map(|r| r.1), Some(6));
}
