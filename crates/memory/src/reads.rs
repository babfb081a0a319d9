//! Reads of the in-memory store outside transactions: the event log.

use switchboard_domain::Event;
use switchboard_ports::{EventQuery, EventReader, StoreError};

use crate::MemoryStore;

impl EventReader for MemoryStore {
    async fn read(&self, query: EventQuery) -> Result<Vec<Event>, StoreError> {
        let state = self.snapshot().await;
        Ok(state
            .events
            .into_iter()
            .filter(|e| query.after.is_none_or(|after| e.position > after))
            .filter(|e| query.model_name.as_ref().is_none_or(|m| &e.model_name == m))
            .filter(|e| query.object_id.as_ref().is_none_or(|o| &e.object_id == o))
            .filter(|e| query.owner.is_none_or(|owner| e.owner_id == Some(owner)))
            .take(query.limit)
            .collect())
    }
}
