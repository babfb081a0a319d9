//! The unit of work over PostgreSQL: one pooled connection, one transaction.

use std::future::Future;

use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use switchboard_domain::{Event, EventPosition, NewEvent};
use switchboard_ports::{BoxFuture, NewJob, StoreError, Transaction, UnitOfWork};

use crate::error::{pool_error, store_error};
use crate::{PgPool, consumers, events, jobs};

/// Runs use cases' work in PostgreSQL transactions.
#[derive(Clone)]
pub struct PgUnitOfWork {
    pool: PgPool,
}

impl std::fmt::Debug for PgUnitOfWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgUnitOfWork").field("pool", &self.pool.status()).finish()
    }
}

impl PgUnitOfWork {
    /// Transactions on connections from `pool`.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The pool, for adapters that read outside a transaction.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// An open transaction. Dropped without commit (an error, a panic, a cancelled request), its
/// connection is discarded by the pool, which rolls the transaction back.
pub struct PgTx {
    conn: Object<AsyncPgConnection>,
}

impl std::fmt::Debug for PgTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgTx")
    }
}

impl PgTx {
    /// The connection, for the stores implemented on this transaction.
    pub fn conn(&mut self) -> &mut AsyncPgConnection {
        &mut self.conn
    }
}

impl UnitOfWork for PgUnitOfWork {
    type Tx = PgTx;

    fn transact<T, E, F>(&self, work: F) -> impl Future<Output = Result<T, E>> + Send
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut PgTx) -> BoxFuture<'t, Result<T, E>> + Send,
    {
        let pool = self.pool.clone();
        async move {
            let conn = pool.get().await.map_err(pool_error)?;
            let mut tx = PgTx { conn };
            AnsiTransactionManager::begin_transaction(&mut *tx.conn).await.map_err(store_error)?;
            match work(&mut tx).await {
                Ok(value) => {
                    AnsiTransactionManager::commit_transaction(&mut *tx.conn)
                        .await
                        .map_err(store_error)?;
                    Ok(value)
                }
                Err(error) => {
                    // A failed rollback leaves the connection broken; the pool discards it.
                    let _ = AnsiTransactionManager::rollback_transaction(&mut *tx.conn).await;
                    Err(error)
                }
            }
        }
    }

    fn read<T, E, F>(&self, work: F) -> impl Future<Output = Result<T, E>> + Send
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut PgTx) -> BoxFuture<'t, Result<T, E>> + Send,
    {
        self.read_on_connection(work)
    }
}

impl PgUnitOfWork {
    async fn read_on_connection<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send,
        E: From<StoreError> + Send,
        F: for<'t> FnOnce(&'t mut PgTx) -> BoxFuture<'t, Result<T, E>> + Send,
    {
        let conn = self.pool.get().await.map_err(pool_error)?;
        let mut tx = PgTx { conn };
        work(&mut tx).await
    }
}

impl Transaction for PgTx {
    fn append_events(
        &mut self,
        new: Vec<NewEvent>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        events::append(&mut self.conn, new)
    }

    fn enqueue(
        &mut self,
        job: NewJob,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send {
        jobs::enqueue(&mut self.conn, job)
    }

    fn lock_checkpoint(
        &mut self,
        consumer: &str,
    ) -> impl Future<Output = Result<Option<EventPosition>, StoreError>> + Send {
        consumers::lock(&mut self.conn, consumer)
    }

    fn events_after(
        &mut self,
        after: Option<EventPosition>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send {
        events::after(&mut self.conn, events::EventFilter { after, limit, ..Default::default() })
    }

    fn save_checkpoint(
        &mut self,
        consumer: &str,
        position: EventPosition,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        consumers::save(&mut self.conn, consumer, position)
    }
}
