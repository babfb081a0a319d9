//! The live stream's adapters: [`PgEventFeed`], woken by one `LISTEN` connection per process,
//! and [`crate::PgTx`] as the store of stream tickets.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::{EventPosition, UserId};
use switchboard_ports::{EventFeed, StoreError, StreamTicket, StreamTicketStore};
use tokio::sync::watch;

use crate::error::{pool_error, store_error};
use crate::schema::stream_tickets;
use crate::{PgPool, PgTx, PgWakeups};

/// The channel the `events_notify` trigger notifies after each statement that appends events.
pub const CHANNEL: &str = "switchboard_events";

/// The event log's wake-ups. Clones share the listener's counter.
#[derive(Clone)]
pub struct PgEventFeed {
    pool: PgPool,
    versions: watch::Receiver<u64>,
}

impl std::fmt::Debug for PgEventFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgEventFeed").finish_non_exhaustive()
    }
}

/// The process's `LISTEN` connection for a [`PgEventFeed`]. The caller runs it on its runtime
/// (`tokio::spawn(listener.run())`); it ends when the feed and every clone of it are dropped.
#[must_use = "the feed is woken by notifications only while the listener runs: spawn `run()`"]
#[derive(Debug)]
pub struct EventListener {
    url: String,
    versions: watch::Sender<u64>,
}

impl EventListener {
    /// Listens until the feed is gone, reconnecting after failures.
    pub async fn run(self) {
        crate::jobs::listener::listen(self.url, CHANNEL, self.versions).await;
    }
}

impl PgEventFeed {
    /// A feed that reads the log's tail over `pool` and is woken by a `LISTEN` connection to
    /// `listen_url`, which the returned listener holds (this starts nothing). The listening
    /// connection stays open for the life of the process, so behind PgBouncer in transaction
    /// mode (where `LISTEN` does not work) `listen_url` must reach PostgreSQL directly.
    pub fn new(pool: PgPool, listen_url: &str) -> (Self, EventListener) {
        let (sender, versions) = watch::channel(0);
        (Self { pool, versions }, EventListener { url: listen_url.to_owned(), versions: sender })
    }
}

impl EventFeed for PgEventFeed {
    type Wakeups = PgWakeups;

    fn wakeups(&self) -> PgWakeups {
        PgWakeups::new(self.versions.clone())
    }

    async fn tail(&self) -> Result<Option<EventPosition>, StoreError> {
        let mut conn = self.pool.get().await.map_err(pool_error)?;
        crate::events::tail(&mut conn).await
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = stream_tickets)]
struct TicketRow {
    ticket_hash: Vec<u8>,
    user_id: uuid::Uuid,
    expires_at: DateTime<Utc>,
}

impl StreamTicketStore for PgTx {
    async fn insert_stream_ticket(
        &mut self,
        ticket: &StreamTicket,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        diesel::delete(stream_tickets::table.filter(stream_tickets::expires_at.lt(now)))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        let row = TicketRow {
            ticket_hash: ticket.ticket_hash.clone(),
            user_id: ticket.user_id.as_uuid(),
            expires_at: ticket.expires_at,
        };
        diesel::insert_into(stream_tickets::table)
            .values(row)
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn take_stream_ticket(
        &mut self,
        hash: &[u8],
    ) -> Result<Option<StreamTicket>, StoreError> {
        let row: Option<TicketRow> = diesel::delete(stream_tickets::table.find(hash))
            .returning(TicketRow::as_returning())
            .get_result(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(|r| StreamTicket {
            ticket_hash: r.ticket_hash,
            user_id: UserId::from_uuid(r.user_id),
            expires_at: r.expires_at,
        }))
    }
}
