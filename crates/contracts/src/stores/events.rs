//! The unit of work, the event log and its consumers' checkpoints.

use switchboard_domain::{Event, NewEvent, UserId};
use switchboard_ports::{
    EventQuery, EventReader, JobAdmin, StoreError, Transaction, UnitOfWork, UserStore,
};

use super::jobs::job;
use super::{StoreHarness, user};

async fn append<H: StoreHarness>(store: &H, events: Vec<NewEvent>) {
    store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.append_events(events).await }))
        .await
        .unwrap();
}

async fn read<H: StoreHarness>(store: &H, query: EventQuery) -> Vec<String> {
    let events: Vec<Event> = store.events().read(query).await.unwrap();
    events.into_iter().map(|e| e.object_id).collect()
}

/// A transaction whose work fails leaves no row, event or job behind.
pub async fn a_failed_transaction_leaves_nothing_behind<H: StoreHarness>(store: &H) {
    let ada = user("ada@example.org");
    let id = ada.id;
    let result: Result<(), StoreError> = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_user(&ada).await?;
                tx.append_events(vec![NewEvent::deleted("thing", "1")]).await?;
                tx.enqueue(job("contract.noop", serde_json::json!({}))).await?;
                Err(StoreError::Conflict("boom".into()))
            })
        })
        .await;
    assert_eq!(result, Err(StoreError::Conflict("boom".into())));
    let found = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.user_by_id(id).await }))
        .await
        .unwrap();
    assert_eq!(found, None);
    assert!(read(store, EventQuery { limit: 10, ..EventQuery::default() }).await.is_empty());
    assert!(store.jobs().list(None, None, 10).await.unwrap().is_empty());
}

/// Committed events are read in commit order, after a position, by model, object and owner,
/// at most `limit`.
pub async fn events_are_read_in_commit_order_and_filtered<H: StoreHarness>(store: &H) {
    let (ada, bob) = (UserId::new(), UserId::new());
    append(store, vec![NewEvent::deleted("thing", "1").owned_by(Some(ada))]).await;
    append(
        store,
        vec![
            NewEvent::deleted("thing", "2").owned_by(Some(bob)),
            NewEvent::deleted("other", "3").owned_by(Some(ada)),
        ],
    )
    .await;
    append(store, vec![NewEvent::deleted("thing", "1").owned_by(Some(ada))]).await;

    let all = |limit| EventQuery { limit, ..EventQuery::default() };
    assert_eq!(read(store, all(10)).await, ["1", "2", "3", "1"]);
    assert_eq!(read(store, all(2)).await, ["1", "2"]);
    let events = store.events().read(all(10)).await.unwrap();
    assert!(events.windows(2).all(|pair| pair[0].position < pair[1].position));
    let after = EventQuery { after: Some(events[1].position), ..all(10) };
    assert_eq!(read(store, after).await, ["3", "1"]);
    let things = EventQuery { model_name: Some("thing".into()), ..all(10) };
    assert_eq!(read(store, things).await, ["1", "2", "1"]);
    let one = EventQuery { object_id: Some("1".into()), ..all(10) };
    assert_eq!(read(store, one).await, ["1", "1"]);
    let adas = EventQuery { owner: Some(ada), ..all(10) };
    assert_eq!(read(store, adas).await, ["1", "3", "1"]);
}

/// A consumer starts at the beginning of the log, reads what follows its checkpoint, and its
/// checkpoint moves only when its transaction commits.
pub async fn a_consumer_checkpoint_moves_with_its_transaction<H: StoreHarness>(store: &H) {
    for i in 0..3 {
        append(store, vec![NewEvent::deleted("thing", i.to_string())]).await;
    }
    let uow = store.uow();
    let first = uow
        .transact(|tx| {
            Box::pin(async move {
                assert_eq!(tx.lock_checkpoint("consumer").await?, None);
                let first = tx.events_after(None, 1).await?;
                tx.save_checkpoint("consumer", first[0].position).await?;
                Ok::<_, StoreError>(first)
            })
        })
        .await
        .unwrap();
    assert_eq!(first[0].object_id, "0");

    // A run that fails moves nothing.
    let failed: Result<(), StoreError> = uow
        .transact(|tx| {
            Box::pin(async move {
                let at = tx.lock_checkpoint("consumer").await?;
                let next = tx.events_after(at, 10).await?;
                tx.save_checkpoint("consumer", next[1].position).await?;
                Err(StoreError::Other("the consumer failed".into()))
            })
        })
        .await;
    assert!(failed.is_err());

    let (at, rest, other) = uow
        .transact(|tx| {
            Box::pin(async move {
                let at = tx.lock_checkpoint("consumer").await?;
                let rest = tx.events_after(at, 10).await?;
                let other = tx.lock_checkpoint("another").await?;
                Ok::<_, StoreError>((at, rest, other))
            })
        })
        .await
        .unwrap();
    assert_eq!(at, Some(first[0].position));
    assert_eq!(rest.iter().map(|e| e.object_id.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(other, None, "each consumer has its own checkpoint");
}
