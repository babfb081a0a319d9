//! Helpers: enqueueing in a transaction, reading job rows.

use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, NewJob, StoreError, Transaction, UnitOfWork};
use switchboard_postgres::{PgJobQueue, PgUnitOfWork};
use switchboard_test_support::TestDb;

pub use switchboard_contracts::stores::jobs::job;

pub async fn enqueue(uow: &PgUnitOfWork, job: NewJob) -> Option<i64> {
    uow.transact(move |tx| Box::pin(async move { tx.enqueue(job).await })).await.unwrap()
}

pub async fn enqueue_many(uow: &PgUnitOfWork, jobs: Vec<NewJob>) {
    uow.transact(move |tx| {
        Box::pin(async move {
            for job in jobs {
                tx.enqueue(job).await?;
            }
            Ok::<_, StoreError>(())
        })
    })
    .await
    .unwrap();
}

pub fn queue(db: &TestDb) -> (PgUnitOfWork, PgJobQueue) {
    let pool = db.pool();
    let (queue, listener) = PgJobQueue::new(pool.clone(), db.url());
    tokio::spawn(listener.run());
    (PgUnitOfWork::new(pool), queue)
}

pub async fn count(queue: &PgJobQueue, state: JobState) -> u64 {
    queue.counts().await.unwrap().into_iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| n)
}

pub async fn total(queue: &PgJobQueue) -> u64 {
    queue.counts().await.unwrap().into_iter().map(|(_, n)| n).sum()
}

/// Runs SQL on the test's database (to simulate time passing, or read effects).
pub async fn sql(db: &TestDb, statement: &str) {
    db.client().await.batch_execute(statement).await.unwrap();
}

pub async fn scalar(db: &TestDb, query: &str) -> i64 {
    db.client().await.query_one(query, &[]).await.unwrap().get(0)
}
