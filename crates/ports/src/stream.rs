//! The live stream of a user's events: wake-ups when the log may have grown (one listener per
//! process, not one per client), and short-lived tickets that let a browser's `EventSource`,
//! which cannot set headers, open the stream.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::{EventPosition, UserId};

use crate::{StoreError, WorkWakeups};

/// Tells one process when new events may have been appended to the log. The log stays the
/// source of truth: a wake-up only says "read again", so a lost or spurious one costs a poll,
/// never an event.
pub trait EventFeed: Send + Sync + 'static {
    /// One reader's view of the wake-ups.
    type Wakeups: WorkWakeups;

    /// Wake-ups for one reader; it has seen every append so far.
    fn wakeups(&self) -> Self::Wakeups;

    /// The position of the last settled event (see [`crate::EventReader`]), or `None` for an
    /// empty log: where a process's live feed starts.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn tail(&self) -> impl Future<Output = Result<Option<EventPosition>, StoreError>> + Send;
}

/// A ticket that opens one stream once. Only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamTicket {
    /// SHA-256 of the ticket handed to the client.
    pub ticket_hash: Vec<u8>,
    /// Whose stream it opens.
    pub user_id: UserId,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Stream tickets, implemented by each adapter's transaction type.
pub trait StreamTicketStore: Send {
    /// Stores a ticket, and forgets every one that expired before `now`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] for a hash already stored.
    fn insert_stream_ticket(
        &mut self,
        ticket: &StreamTicket,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Removes the ticket with this hash and returns it, expired or not, in one atomic step:
    /// of two requests presenting the same ticket, at most one gets it.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn take_stream_ticket(
        &mut self,
        ticket_hash: &[u8],
    ) -> impl Future<Output = Result<Option<StreamTicket>, StoreError>> + Send;
}
