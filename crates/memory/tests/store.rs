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
