//! Reading the event log outside a use case (the events API).

use std::future::Future;

use switchboard_domain::{Event, EventPosition, UserId};

use crate::StoreError;

/// Which events to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Only after this position.
    pub after: Option<EventPosition>,
    /// At most this many.
    pub limit: usize,
    /// Only objects of this model.
    pub model_name: Option<String>,
    /// Only this object.
    pub object_id: Option<String>,
    /// Only objects this user owns.
    pub owner: Option<UserId>,
}

/// Reads settled events: in log order, and never one that a later commit could precede.
pub trait EventReader: Send + Sync + 'static {
    /// The events matching `query`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn read(
        &self,
        query: EventQuery,
    ) -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;
}
