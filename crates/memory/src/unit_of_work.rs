//! An in-memory unit of work: transactions run one at a time on a copy of the state, which
//! replaces the state on commit. Isolation is serializable and rollback exact.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use switchboard_domain::{Event, EventPosition, NewEvent};
use switchboard_ports::{BoxFuture, JobRecord, NewJob, StoreError, Transaction, UnitOfWork};
use tokio::sync::{Mutex, watch};

/// Everything the in-memory adapters store. Each aggregate's store adds its map here.
#[derive(Debug, Clone, Default)]
pub struct MemoryState {
    /// The event log, in order.
    pub events: Vec<Event>,
    /// Consumers' checkpoints.
    pub checkpoints: HashMap<String, EventPosition>,
    /// Jobs by id.
    pub jobs: BTreeMap<i64, JobRecord>,
    /// When the lease of each running job ends.
    pub job_leases: BTreeMap<i64, DateTime<Utc>>,
    /// Recurring job schedules by name.
    pub job_schedules: BTreeMap<String, crate::jobs::Schedule>,
    /// Sequence numbers: transactions, events, jobs.
    pub next_tx: i64,
    /// The next event id.
    pub next_event: i64,
    /// The next job id.
    pub next_job: i64,
    /// Users, sessions, API keys, throttles and sealed secrets.
    pub identity: crate::identity::IdentityState,
    /// Chat sources, channels and posts.
    pub chat: crate::chat::ChatState,
    /// The mail aggregates.
    pub mail: crate::mail::MailState,
    /// OAuth authorizations in flight, by state hash.
    pub oauth_states: crate::oauth::OAuthStates,
    /// Webhooks and their outboxes.
    pub webhooks: crate::webhooks::WebhookState,
    /// Notifications, their consumer's marks and users' opt-outs.
    pub notifications: crate::notifications::NotificationState,
    /// Stream tickets, by hash.
    pub stream_tickets: crate::stream::StreamTickets,
}

/// The in-memory store, its unit of work and its job queue. Clones share the same state.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    state: Arc<Mutex<MemoryState>>,
    /// Counts commits that enqueued; each worker loop's `MemoryWakeups` remembers the count it
    /// has seen, so an enqueue while no loop waits is seen by every loop's next wait.
    wakeups: Arc<watch::Sender<u64>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self { state: Arc::default(), wakeups: Arc::new(watch::Sender::new(0)) }
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the committed state, for assertions.
    pub async fn snapshot(&self) -> MemoryState {
        self.state.lock().await.clone()
    }

    /// Changes the committed state outside a transaction (for adapters' single-step writes).
    pub async fn update<T>(&self, change: impl FnOnce(&mut MemoryState) -> T) -> T {
        change(&mut *self.state.lock().await)
    }

    /// [`MemoryStore::update`] for the job queue's steps, which answer a `Result`.
    pub(crate) async fn update_jobs<T>(
        &self,
        change: impl FnOnce(&mut MemoryState) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.update(change).await
    }

    /// A new view of the wake-ups for one worker loop; it has seen every enqueue so far.
    pub(crate) fn subscribe_wakeups(&self) -> watch::Receiver<u64> {
        self.wakeups.subscribe()
    }

    /// Tells every worker loop that `jobs` new jobs may be due.
    pub(crate) fn wake_workers(&self, jobs: usize) {
        if jobs > 0 {
            self.wakeups.send_modify(|count| *count = count.wrapping_add(1));
        }
    }
}

/// A transaction: a private copy of the state.
#[derive(Debug)]
pub struct MemoryTx {
    /// The state as this transaction sees and changes it.
    pub state: MemoryState,
    tx: i64,
}

impl UnitOfWork for MemoryStore {
    type Tx = MemoryTx;

    async fn transact<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut MemoryTx) -> BoxFuture<'t, Result<T, E>> + Send,
    {
        let mut committed = self.state.lock().await;
        let mut working = committed.clone();
        working.next_tx += 1;
        let tx_id = working.next_tx;
        let mut tx = MemoryTx { state: working, tx: tx_id };
        let value = work(&mut tx).await?;
        let enqueued = tx.state.next_job - committed.next_job;
        let appended = tx.state.next_event - committed.next_event;
        *committed = tx.state;
        drop(committed);
        // One counter wakes job workers and event feeds alike: a spurious wake-up costs a look.
        self.wake_workers(usize::try_from(enqueued + appended).unwrap_or(0));
        Ok(value)
    }

    /// Serialized like a transaction, and its writes commit: in memory nothing is cheaper.
    async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut MemoryTx) -> BoxFuture<'t, Result<T, E>> + Send,
    {
        self.transact(work).await
    }
}

impl Transaction for MemoryTx {
    fn append_events(
        &mut self,
        new: Vec<NewEvent>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        for event in new {
            self.state.next_event += 1;
            self.state.events.push(Event {
                position: EventPosition { tx: self.tx, id: self.state.next_event },
                occurred_at: Utc::now(),
                model_name: event.model_name,
                object_id: event.object_id,
                occurred_by: event.occurred_by,
                owner_id: event.owner_id,
                change: event.change,
            });
        }
        async { Ok(()) }
    }

    fn enqueue(
        &mut self,
        job: NewJob,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send {
        let id = self.state.enqueue(job, Utc::now());
        async move { Ok(id) }
    }

    fn lock_checkpoint(
        &mut self,
        consumer: &str,
    ) -> impl Future<Output = Result<Option<EventPosition>, StoreError>> + Send {
        let position = self.state.checkpoints.get(consumer).copied();
        async move { Ok(position) }
    }

    fn events_after(
        &mut self,
        after: Option<EventPosition>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send {
        // Transactions run one at a time here, so every committed event is settled.
        let events = self
            .state
            .events
            .iter()
            .filter(|e| e.position.tx < self.tx && after.is_none_or(|a| e.position > a))
            .take(limit)
            .cloned()
            .collect();
        async move { Ok(events) }
    }

    fn save_checkpoint(
        &mut self,
        consumer: &str,
        position: EventPosition,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.state.checkpoints.insert(consumer.to_owned(), position);
        async { Ok(()) }
    }
}
