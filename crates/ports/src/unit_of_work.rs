//! The unit of work: one transaction in which a use case changes several aggregates, appends
//! their events and enqueues jobs. Either everything commits or nothing does.

use std::future::Future;

use switchboard_domain::{Event, EventPosition, NewEvent};

use crate::jobs::NewJob;
use crate::store::{BoxFuture, StoreError};

/// Runs work in one transaction.
///
/// Aggregate stores (users, sessions, chat sources, …) are traits implemented by the
/// [`UnitOfWork::Tx`] type of each adapter, so a use case bounds `Tx` by the stores it needs.
///
/// ```
/// use switchboard_domain::NewEvent;
/// use switchboard_ports::{StoreError, Transaction, UnitOfWork};
///
/// async fn rename<U: UnitOfWork>(uow: &U, id: String) -> Result<(), StoreError> {
///     uow.transact(move |tx| {
///         Box::pin(async move {
///             // … change the aggregate through a store implemented by `U::Tx` …
///             tx.append_events(vec![NewEvent::changed("thing", id, "name", "a", "b")]).await
///         })
///     })
///     .await
/// }
/// ```
pub trait UnitOfWork: Send + Sync + 'static {
    /// The open transaction handed to the work.
    type Tx: Transaction;

    /// Begins a transaction, runs `work` in it, and commits if it returns `Ok`; rolls back on
    /// `Err` (and if the work panics or its future is dropped).
    ///
    /// # Errors
    /// The work's error, or [`StoreError`] (converted) when beginning or committing fails.
    fn transact<T, E, F>(&self, work: F) -> impl Future<Output = Result<T, E>> + Send
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut Self::Tx) -> BoxFuture<'t, Result<T, E>> + Send;

    /// Runs `work` on a connection without opening a transaction, for reads that need no
    /// consistency across statements (a single indexed read: two round trips fewer than
    /// [`UnitOfWork::transact`]). Anything written here commits statement by statement: use
    /// `transact` for changes.
    ///
    /// # Errors
    /// The work's error, or [`StoreError`] (converted) when no connection can be had.
    fn read<T, E, F>(&self, work: F) -> impl Future<Output = Result<T, E>> + Send
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut Self::Tx) -> BoxFuture<'t, Result<T, E>> + Send;
}

/// What every transaction can do besides the aggregate stores: append events, enqueue jobs,
/// and move event consumers' checkpoints.
pub trait Transaction: Send {
    /// Appends events, in order, visible when (and only if) the transaction commits.
    ///
    /// # Errors
    /// [`StoreError`] when the store refuses them.
    fn append_events(
        &mut self,
        events: Vec<NewEvent>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Enqueues a job, to be claimed once the transaction commits. Returns `None` when a pending
    /// job with the same type and dedupe key already exists (nothing is enqueued then).
    ///
    /// # Errors
    /// [`StoreError`] when the store refuses it.
    fn enqueue(
        &mut self,
        job: NewJob,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;

    /// Locks the named consumer's checkpoint for this transaction (creating it at the start of
    /// the log) and returns it: two instances of one consumer never process the same events.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    fn lock_checkpoint(
        &mut self,
        consumer: &str,
    ) -> impl Future<Output = Result<Option<EventPosition>, StoreError>> + Send;

    /// The next events after `after`, in log order, at most `limit`: only events whose position
    /// can never be overtaken by one committed later.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    fn events_after(
        &mut self,
        after: Option<EventPosition>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;

    /// Moves the named consumer's checkpoint, committed with the consumer's results.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    fn save_checkpoint(
        &mut self,
        consumer: &str,
        position: EventPosition,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
