//! The store contract (`switchboard-contracts`) against the in-memory store.

use std::time::Duration;

use chrono::TimeDelta;
use switchboard_contracts::stores::StoreHarness;
use switchboard_memory::MemoryStore;

struct Memory(MemoryStore);

impl StoreHarness for Memory {
    type Uow = MemoryStore;
    type Events = MemoryStore;
    type Jobs = MemoryStore;

    async fn new() -> Self {
        Self(MemoryStore::new())
    }

    fn uow(&self) -> MemoryStore {
        self.0.clone()
    }

    fn events(&self) -> MemoryStore {
        self.0.clone()
    }

    fn jobs(&self) -> MemoryStore {
        self.0.clone()
    }

    async fn time_passes(&self, by: Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        self.0
            .update(|state| {
                state.jobs.values_mut().for_each(|job| job.run_at -= by);
                state.job_leases.values_mut().for_each(|until| *until -= by);
                state.job_schedules.values_mut().for_each(|s| s.next_run_at -= by);
            })
            .await;
    }
}

switchboard_contracts::store_contract!(Memory);

/// A worker waiting for work is woken by the commit that enqueues, and a wake-up sent while
/// no worker waits is kept for the next one. Time is paused: a wait that nothing ends would
/// run its whole hour of virtual time.
#[tokio::test(start_paused = true)]
async fn a_commit_that_enqueues_wakes_a_waiting_worker() {
    use switchboard_ports::{JobQueue, NewJob, StoreError, Transaction, UnitOfWork, WorkWakeups};
    use tokio::time::Instant;

    const HOUR: Duration = Duration::from_secs(3600);
    let store = MemoryStore::new();
    let enqueue = |store: MemoryStore| async move {
        let job = NewJob {
            job_type: "t".into(),
            payload: serde_json::Value::Null,
            priority: 0,
            max_attempts: 1,
            dedupe_key: None,
            run_at: None,
        };
        let id: Result<Option<i64>, StoreError> =
            store.transact(move |tx| Box::pin(async move { tx.enqueue(job).await })).await;
        assert!(id.unwrap_or_else(|e| panic!("{e}")).is_some());
    };

    let mut wakeups = store.wakeups();
    let started = Instant::now();
    let waiter = tokio::spawn(async move {
        wakeups.wait(HOUR).await;
        wakeups
    });
    tokio::task::yield_now().await;
    enqueue(store.clone()).await;
    let mut wakeups = waiter.await.unwrap_or_else(|e| panic!("{e}"));
    assert!(started.elapsed() < HOUR, "the waiting worker slept through the commit");

    // Another loop made before the enqueue sees it too, though it was not waiting then.
    let mut other = store.wakeups();
    enqueue(store.clone()).await;
    for loop_wakeups in [&mut wakeups, &mut other] {
        let started = Instant::now();
        loop_wakeups.wait(HOUR).await;
        assert!(started.elapsed() < HOUR, "the wake-up sent before the wait was lost");
    }

    // Nothing new: the wait lasts its whole time.
    let started = Instant::now();
    wakeups.wait(HOUR).await;
    assert!(started.elapsed() >= HOUR);
}
