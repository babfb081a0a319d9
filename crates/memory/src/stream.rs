//! The live stream's adapters in memory: [`MemoryStore`] as the event feed (woken by every
//! commit that appended events) and [`MemoryTx`] as the store of stream tickets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_domain::EventPosition;
use switchboard_ports::{EventFeed, StoreError, StreamTicket, StreamTicketStore};

use crate::jobs::MemoryWakeups;
use crate::{MemoryStore, MemoryTx};

/// Stream tickets by hash.
pub type StreamTickets = HashMap<Vec<u8>, StreamTicket>;

impl EventFeed for MemoryStore {
    type Wakeups = MemoryWakeups;

    fn wakeups(&self) -> MemoryWakeups {
        MemoryWakeups::new(self.subscribe_wakeups())
    }

    async fn tail(&self) -> Result<Option<EventPosition>, StoreError> {
        Ok(self.update(|state| state.events.last().map(|e| e.position)).await)
    }
}

impl StreamTicketStore for MemoryTx {
    async fn insert_stream_ticket(
        &mut self,
        ticket: &StreamTicket,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tickets = &mut self.state.stream_tickets;
        tickets.retain(|_, t| t.expires_at >= now);
        if tickets.contains_key(&ticket.ticket_hash) {
            return Err(StoreError::Conflict("stream_tickets_pkey".to_owned()));
        }
        tickets.insert(ticket.ticket_hash.clone(), ticket.clone());
        Ok(())
    }

    async fn take_stream_ticket(
        &mut self,
        hash: &[u8],
    ) -> Result<Option<StreamTicket>, StoreError> {
        Ok(self.state.stream_tickets.remove(hash))
    }
}
