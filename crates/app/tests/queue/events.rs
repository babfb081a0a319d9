//! Events are appended in the use case's transaction, and never changed.

use switchboard_domain::NewEvent;
use switchboard_ports::{StoreError, Transaction, UnitOfWork};
use switchboard_test_support::TestDb;

use crate::support::{job, queue, scalar, total};

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_use_case_leaves_no_event_and_no_job() {
    let db = TestDb::migrated().await;
    let (uow, jobs) = queue(&db);
    let result: Result<(), StoreError> = uow
        .transact(|tx| {
            Box::pin(async move {
                tx.append_events(vec![NewEvent::added("thing", "1", serde_json::json!({"a": 1}))])
                    .await?;
                tx.enqueue(job("system.noop", serde_json::json!({}))).await?;
                Err(StoreError::Conflict("the use case changed its mind".into()))
            })
        })
        .await;
    assert!(result.is_err());
    assert_eq!(scalar(&db, "SELECT count(*) FROM events").await, 0);
    assert_eq!(total(&jobs).await, 0);

    uow.transact(|tx| {
        Box::pin(async move {
            tx.append_events(vec![NewEvent::added("thing", "1", serde_json::json!({"a": 1}))])
                .await?;
            tx.enqueue(job("system.noop", serde_json::json!({}))).await.map(|_| ())
        })
    })
    .await
    .unwrap();
    assert_eq!(scalar(&db, "SELECT count(*) FROM events").await, 1);
    assert_eq!(total(&jobs).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn events_keep_every_field_and_are_append_only() {
    let db = TestDb::migrated().await;
    let (uow, _) = queue(&db);
    let user = switchboard_domain::UserId::new();
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.append_events(vec![
                NewEvent::added("user", user.to_string(), serde_json::json!({"email": "a@b.c"}))
                    .by(Some(user)),
                NewEvent::changed("user", user.to_string(), "role", "member", "admin")
                    .owned_by(Some(user)),
                NewEvent::deleted("user", user.to_string()),
            ])
            .await
        })
    })
    .await
    .unwrap();
    let events =
        uow.transact(|tx| Box::pin(async move { tx.events_after(None, 10).await })).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].occurred_by, Some(user));
    assert_eq!(events[1].owner_id, Some(user));
    assert_eq!(
        events.iter().map(|e| e.change.kind()).collect::<Vec<_>>(),
        ["added", "changed", "deleted"]
    );
    let client = db.client().await;
    for statement in ["UPDATE events SET model_name = 'x'", "DELETE FROM events", "TRUNCATE events"]
    {
        let err = client.batch_execute(statement).await.unwrap_err();
        assert!(format!("{err:?}").contains("append-only"), "{statement}: {err:?}");
    }
    assert_eq!(scalar(&db, "SELECT count(*) FROM events").await, 3);
}
