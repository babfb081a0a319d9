//! Domain events: every addition, change and deletion of a domain object, kept forever so that
//! downstream jobs process only what changed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::UserId;

/// What happened to an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The object was created; `snapshot` is its state then.
    Added {
        /// The object as created (never with secrets: hashes and tokens are left out).
        snapshot: serde_json::Value,
    },
    /// One attribute of the object changed.
    Changed {
        /// The attribute's name.
        attribute_name: String,
        /// Its value before.
        old_value: serde_json::Value,
        /// Its value after.
        new_value: serde_json::Value,
    },
    /// The object was deleted.
    Deleted,
}

impl Change {
    /// `added`, `changed` or `deleted`.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added { .. } => "added",
            Change::Changed { .. } => "changed",
            Change::Deleted => "deleted",
        }
    }
}

/// An event about to be appended, inside the transaction that makes the change.
///
/// ```
/// use switchboard_domain::{Change, NewEvent, UserId};
///
/// let user = UserId::new();
/// let event = NewEvent::changed("user", user.to_string(), "role", "member", "admin")
///     .by(Some(user))
///     .owned_by(Some(user));
/// assert_eq!(event.change.kind(), "changed");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The kind of object (`user`, `api_key`, `chat_source`, …).
    pub model_name: String,
    /// The object's id, as text.
    pub object_id: String,
    /// Who made the change; `None` for the system.
    pub occurred_by: Option<UserId>,
    /// The user who owns the object, if any: members may read the events of what they own.
    pub owner_id: Option<UserId>,
    /// What happened.
    pub change: Change,
}

impl NewEvent {
    /// An `added` event with the object's snapshot.
    pub fn added(
        model_name: &str,
        object_id: impl Into<String>,
        snapshot: serde_json::Value,
    ) -> Self {
        Self::new(model_name, object_id, Change::Added { snapshot })
    }

    /// A `changed` event for one attribute.
    pub fn changed(
        model_name: &str,
        object_id: impl Into<String>,
        attribute_name: &str,
        old_value: impl Into<serde_json::Value>,
        new_value: impl Into<serde_json::Value>,
    ) -> Self {
        Self::new(
            model_name,
            object_id,
            Change::Changed {
                attribute_name: attribute_name.to_owned(),
                old_value: old_value.into(),
                new_value: new_value.into(),
            },
        )
    }

    /// A `deleted` event.
    pub fn deleted(model_name: &str, object_id: impl Into<String>) -> Self {
        Self::new(model_name, object_id, Change::Deleted)
    }

    fn new(model_name: &str, object_id: impl Into<String>, change: Change) -> Self {
        Self {
            model_name: model_name.to_owned(),
            object_id: object_id.into(),
            occurred_by: None,
            owner_id: None,
            change,
        }
    }

    /// Sets who made the change.
    pub fn by(mut self, user: Option<UserId>) -> Self {
        self.occurred_by = user;
        self
    }

    /// Sets who owns the object.
    pub fn owned_by(mut self, owner: Option<UserId>) -> Self {
        self.owner_id = owner;
        self
    }
}

/// Where an event stands in the log. Positions are totally ordered, and an event that becomes
/// visible later never has a position before one already read (see the Postgres adapter's
/// event log for how that is guaranteed under concurrent writers).
///
/// ```
/// use switchboard_domain::EventPosition;
///
/// let a = EventPosition { tx: 10, id: 7 };
/// let b = EventPosition { tx: 11, id: 3 };
/// assert!(a < b);
/// assert_eq!(a.to_cursor().parse::<EventPosition>().ok(), Some(a));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventPosition {
    /// The id of the transaction that wrote the event.
    pub tx: i64,
    /// The event's own sequence number.
    pub id: i64,
}

impl EventPosition {
    /// An opaque text form for API cursors.
    pub fn to_cursor(self) -> String {
        format!("{}.{}", self.tx, self.id)
    }
}

/// A cursor that is not one this API produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid event cursor")]
pub struct InvalidCursor;

impl std::str::FromStr for EventPosition {
    type Err = InvalidCursor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (tx, id) = s.split_once('.').ok_or(InvalidCursor)?;
        Ok(Self {
            tx: tx.parse().map_err(|_| InvalidCursor)?,
            id: id.parse().map_err(|_| InvalidCursor)?,
        })
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its place in the log.
    pub position: EventPosition,
    /// When it was appended.
    pub occurred_at: DateTime<Utc>,
    /// The kind of object.
    pub model_name: String,
    /// The object's id.
    pub object_id: String,
    /// Who made the change; `None` for the system.
    pub occurred_by: Option<UserId>,
    /// The owner of the object.
    pub owner_id: Option<UserId>,
    /// What happened.
    pub change: Change,
}
