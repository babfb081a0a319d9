//! Reading the event log through the API: admins see every event, members only those of the
//! objects they own.

use switchboard_domain::{Event, EventPosition, UserId};
use switchboard_ports::{EventQuery, EventReader, StoreError};

/// The most events one page holds.
pub const MAX_PAGE: usize = 500;
/// A page's size when the caller names none.
pub const DEFAULT_PAGE: usize = 100;

/// Who is reading, as far as the event log cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// The reader.
    pub user_id: UserId,
    /// Whether they may see every user's events (admins).
    pub sees_all: bool,
}

/// One page of events and the cursor for the next.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    /// The events, in log order.
    pub events: Vec<Event>,
    /// Where to continue: the last event's position, or the request's cursor if the page is
    /// empty (poll again with it for new events).
    pub next: Option<EventPosition>,
}

/// Why the events could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventLogError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The events API's use case.
#[derive(Debug, Clone)]
pub struct EventLogService<R> {
    reader: R,
}

impl<R: EventReader> EventLogService<R> {
    /// Reads through `reader`.
    pub fn new(reader: R) -> Self {
        Self { reader }
    }

    /// A page of the events `viewer` may see, after `query.after`. A member's `owner` filter is
    /// always themselves; `limit` is clamped to 1..=[`MAX_PAGE`] (0 means [`DEFAULT_PAGE`]).
    ///
    /// # Errors
    /// [`EventLogError::Store`].
    pub async fn page(
        &self,
        viewer: Viewer,
        mut query: EventQuery,
    ) -> Result<EventPage, EventLogError> {
        if !viewer.sees_all {
            query.owner = Some(viewer.user_id);
        }
        query.limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let after = query.after;
        let events = self.reader.read(query).await?;
        let next = events.last().map(|e| e.position).or(after);
        Ok(EventPage { events, next })
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use switchboard_domain::NewEvent;
    use switchboard_memory::MemoryStore;
    use switchboard_ports::{Transaction, UnitOfWork};

    use super::*;

    async fn store_with_events(alice: UserId, bob: UserId) -> MemoryStore {
        let store = MemoryStore::new();
        store
            .transact(move |tx| {
                Box::pin(async move {
                    tx.append_events(vec![
                        NewEvent::added("thing", "a1", serde_json::json!({})).owned_by(Some(alice)),
                        NewEvent::added("thing", "b1", serde_json::json!({})).owned_by(Some(bob)),
                        NewEvent::deleted("thing", "a1").owned_by(Some(alice)),
                    ])
                    .await
                })
            })
            .await
            .unwrap();
        store
    }

    #[tokio::test]
    async fn members_see_only_their_own_objects_events() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let service = EventLogService::new(store_with_events(alice, bob).await);
        let query = EventQuery { owner: Some(bob), ..EventQuery::default() };
        let page = service.page(Viewer { user_id: alice, sees_all: false }, query).await.unwrap();
        assert_eq!(
            page.events.iter().map(|e| e.object_id.as_str()).collect::<Vec<_>>(),
            ["a1", "a1"]
        );

        let all = service
            .page(Viewer { user_id: alice, sees_all: true }, EventQuery::default())
            .await
            .unwrap();
        assert_eq!(all.events.len(), 3);
    }

    #[tokio::test]
    async fn pages_follow_the_cursor() {
        let (alice, bob) = (UserId::new(), UserId::new());
        let service = EventLogService::new(store_with_events(alice, bob).await);
        let admin = Viewer { user_id: alice, sees_all: true };
        let first =
            service.page(admin, EventQuery { limit: 2, ..EventQuery::default() }).await.unwrap();
        assert_eq!(first.events.len(), 2);
        let rest = service
            .page(admin, EventQuery { after: first.next, limit: 2, ..EventQuery::default() })
            .await
            .unwrap();
        assert_eq!(rest.events.len(), 1);
        let empty = service
            .page(admin, EventQuery { after: rest.next, ..EventQuery::default() })
            .await
            .unwrap();
        assert!(empty.events.is_empty());
        assert_eq!(empty.next, rest.next, "an empty page keeps the cursor");
    }
}
