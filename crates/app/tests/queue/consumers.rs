//! Consumers see every event exactly once, even when transactions commit out of id order.

use std::sync::{Arc, Mutex};

use diesel_async::RunQueryDsl;
use switchboard_domain::{Event, NewEvent};
use switchboard_ports::{BoxFuture, StoreError, Transaction, UnitOfWork};
use switchboard_postgres::{PgTx, PgUnitOfWork};
use switchboard_services::{EventConsumer, catch_up, run_consumer_once};
use switchboard_test_support::TestDb;
use tokio::sync::oneshot;

use crate::support::{scalar, sql};

/// Records each event it processes in `consumed` (a primary key: a second sighting fails the
/// transaction) and in memory, in the order seen.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl EventConsumer<PgTx> for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }

    fn handle<'t>(
        &'t self,
        tx: &'t mut PgTx,
        events: &'t [Event],
    ) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            for event in events {
                diesel::sql_query("INSERT INTO consumed (event_id) VALUES ($1)")
                    .bind::<diesel::sql_types::BigInt, _>(event.position.id)
                    .execute(tx.conn())
                    .await
                    .map_err(|e| StoreError::Other(e.to_string()))?;
            }
            self.seen.lock().unwrap().extend(events.iter().map(|e| e.object_id.clone()));
            Ok(())
        })
    }
}

async fn append(uow: &PgUnitOfWork, object: &str) {
    let object = object.to_owned();
    uow.transact(move |tx| {
        Box::pin(async move { tx.append_events(vec![NewEvent::deleted("thing", object)]).await })
    })
    .await
    .unwrap();
}

async fn setup() -> (TestDb, PgUnitOfWork) {
    let db = TestDb::migrated().await;
    sql(&db, "CREATE TABLE consumed (event_id bigint PRIMARY KEY)").await;
    let uow = PgUnitOfWork::new(db.pool());
    (db, uow)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_committed_after_a_later_one_is_not_skipped() {
    let (db, uow) = setup().await;
    let recorder = Arc::new(Recorder::default());

    // A takes the lower id, then holds its transaction open.
    let (appended, appended_rx) = oneshot::channel();
    let (commit, commit_rx) = oneshot::channel::<()>();
    let slow = {
        let uow = uow.clone();
        tokio::spawn(async move {
            uow.transact(move |tx| {
                Box::pin(async move {
                    tx.append_events(vec![NewEvent::deleted("thing", "A")]).await?;
                    appended.send(()).unwrap();
                    commit_rx.await.unwrap();
                    Ok::<_, StoreError>(())
                })
            })
            .await
            .unwrap();
        })
    };
    appended_rx.await.unwrap();
    // B takes a higher id and commits first.
    append(&uow, "B").await;

    // A reader going by id alone would take B now and never see A.
    assert_eq!(run_consumer_once(&uow, recorder.clone(), 100).await.unwrap(), 0);

    commit.send(()).unwrap();
    slow.await.unwrap();
    assert_eq!(catch_up(&uow, recorder.clone(), 100).await.unwrap(), 2);
    assert_eq!(*recorder.seen.lock().unwrap(), ["A", "B"]);
    let ids: Vec<i64> = db
        .client()
        .await
        .query("SELECT id FROM events ORDER BY object_id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(ids[0] < ids[1], "the setup really put A's id before B's: {ids:?}");
    assert_eq!(catch_up(&uow, recorder.clone(), 100).await.unwrap(), 0, "nothing twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn many_concurrent_writers_and_a_running_consumer_see_every_event_exactly_once() {
    let (db, uow) = setup().await;
    let recorder = Arc::new(Recorder::default());
    const WRITERS: usize = 8;
    const TRANSACTIONS: usize = 40;
    const PER_TRANSACTION: usize = 3;

    let (done, mut writers_done) = tokio::sync::watch::channel(false);
    let consumer = {
        let uow = uow.clone();
        let recorder = recorder.clone();
        tokio::spawn(async move {
            // Runs the whole time the writers do, then catches up once they have all finished.
            loop {
                let finished = *writers_done.borrow_and_update();
                run_consumer_once(&uow, recorder.clone(), 25).await.unwrap();
                if finished {
                    return catch_up(&uow, recorder.clone(), 25).await.unwrap();
                }
                tokio::task::yield_now().await;
            }
        })
    };
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let uow = uow.clone();
        writers.spawn(async move {
            for t in 0..TRANSACTIONS {
                uow.transact(move |tx| {
                    Box::pin(async move {
                        for e in 0..PER_TRANSACTION {
                            tx.append_events(vec![NewEvent::deleted(
                                "thing",
                                format!("{w}-{t}-{e}"),
                            )])
                            .await?;
                            // Let other writers interleave inside this transaction.
                            tokio::task::yield_now().await;
                        }
                        Ok::<_, StoreError>(())
                    })
                })
                .await
                .unwrap();
            }
        });
    }
    while let Some(result) = writers.join_next().await {
        result.unwrap();
    }
    done.send(true).unwrap();
    consumer.await.unwrap();

    let expected = (WRITERS * TRANSACTIONS * PER_TRANSACTION) as i64;
    assert_eq!(scalar(&db, "SELECT count(*) FROM consumed").await, expected);
    assert_eq!(scalar(&db, "SELECT count(*) FROM events").await, expected);
    let seen = recorder.seen.lock().unwrap();
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no event twice");
    assert_eq!(seen.len() as i64, expected, "no event missed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_consumer_does_not_move_its_checkpoint() {
    let (db, uow) = setup().await;
    append(&uow, "X").await;
    // `consumed` already holds the event's id: the consumer's insert fails, its batch rolls back.
    sql(&db, "INSERT INTO consumed SELECT id FROM events").await;
    let recorder = Arc::new(Recorder::default());
    assert!(run_consumer_once(&uow, recorder.clone(), 10).await.is_err());
    sql(&db, "DELETE FROM consumed").await;
    assert_eq!(run_consumer_once(&uow, recorder.clone(), 10).await.unwrap(), 1, "read again");
}
