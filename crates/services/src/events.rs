//! Event consumers: named processes that read the event log from their checkpoint, and commit
//! their results together with the new checkpoint.

use std::sync::Arc;

use switchboard_domain::Event;
use switchboard_ports::{BoxFuture, StoreError, Transaction, UnitOfWork};

/// Something that processes events, inside the transaction that moves its checkpoint: its
/// results and its progress commit together, so an event is processed exactly once even if
/// the process dies anywhere.
pub trait EventConsumer<Tx>: Send + Sync + 'static {
    /// The consumer's stable name (its checkpoint's key).
    fn name(&self) -> &str;

    /// Processes a batch of events, in log order, writing results through `tx`.
    ///
    /// # Errors
    /// [`StoreError`]; nothing of the batch is committed then, and it is read again next time.
    fn handle<'t>(
        &'t self,
        tx: &'t mut Tx,
        events: &'t [Event],
    ) -> BoxFuture<'t, Result<(), StoreError>>;
}

/// Processes the next batch of at most `batch` events for `consumer`; returns how many.
///
/// Instances of the same consumer may run this concurrently: the checkpoint's row lock makes
/// them take turns.
///
/// # Errors
/// [`StoreError`] from the store or the consumer; the checkpoint does not move then.
pub async fn run_consumer_once<U, C>(
    uow: &U,
    consumer: Arc<C>,
    batch: usize,
) -> Result<usize, StoreError>
where
    U: UnitOfWork,
    C: EventConsumer<U::Tx>,
{
    uow.transact(move |tx| {
        Box::pin(async move {
            let checkpoint = tx.lock_checkpoint(consumer.name()).await?;
            let events = tx.events_after(checkpoint, batch).await?;
            let Some(last) = events.last().map(|e| e.position) else { return Ok(0) };
            consumer.handle(tx, &events).await?;
            tx.save_checkpoint(consumer.name(), last).await?;
            Ok(events.len())
        })
    })
    .await
}

/// Processes batches until the consumer has caught up with the log; returns how many events.
///
/// # Errors
/// As [`run_consumer_once`].
pub async fn catch_up<U, C>(uow: &U, consumer: Arc<C>, batch: usize) -> Result<usize, StoreError>
where
    U: UnitOfWork,
    C: EventConsumer<U::Tx>,
{
    let mut total = 0;
    loop {
        let n = run_consumer_once(uow, consumer.clone(), batch).await?;
        total += n;
        if n < batch {
            return Ok(total);
        }
    }
}
