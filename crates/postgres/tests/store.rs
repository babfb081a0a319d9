//! The store contract (`switchboard-contracts`) against PostgreSQL, a database per case.

use std::time::Duration;

use switchboard_contracts::stores::StoreHarness;
use switchboard_postgres::{PgEventLog, PgJobQueue, PgUnitOfWork};
use switchboard_test_support::TestDb;

struct Postgres {
    db: TestDb,
    pool: switchboard_postgres::PgPool,
}

impl StoreHarness for Postgres {
    type Uow = PgUnitOfWork;
    type Events = PgEventLog;
    type Jobs = PgJobQueue;

    async fn new() -> Self {
        let db = TestDb::migrated().await;
        let pool = db.pool();
        Self { db, pool }
    }

    fn uow(&self) -> PgUnitOfWork {
        PgUnitOfWork::new(self.pool.clone())
    }

    fn events(&self) -> PgEventLog {
        PgEventLog::new(self.pool.clone())
    }

    fn jobs(&self) -> PgJobQueue {
        // The contract does not wait for work: the wake-up listener is not needed.
        let (queue, _listener) = PgJobQueue::new(self.pool.clone(), self.db.url());
        queue
    }

    async fn time_passes(&self, by: Duration) {
        let by = format!("interval '{} milliseconds'", by.as_millis());
        let sql = format!(
            "UPDATE jobs SET run_at = run_at - {by}, lease_until = lease_until - {by};
             UPDATE recurring_jobs SET next_run_at = next_run_at - {by};"
        );
        let client = self.db.client().await;
        client.batch_execute(&sql).await.unwrap_or_else(|e| panic!("time passes: {e}"));
    }
}

switchboard_contracts::store_contract!(Postgres);
