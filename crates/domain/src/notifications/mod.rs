//! Per-user notifications: what happened to a user's connections, mail, channels and webhooks,
//! told once. A notification has a [`NotificationKind`], typed parameters
//! ([`NotificationParams`], stored as JSON) and a message rendered from the kind's English
//! template when it is made. An event-log consumer makes them (never the request that caused
//! the change); [`triggers`] reads the events it needs.

mod kind;
mod params;
pub mod triggers;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::UserId;
use crate::ids::uuid_id;

pub use kind::{NotificationKind, UnknownKind};
pub use params::{Connection, ConnectionKind, InvalidParams, NotificationParams};

uuid_id!(
    /// The identifier of a notification.
    ///
    /// ```
    /// use switchboard_domain::notifications::NotificationId;
    ///
    /// let id = NotificationId::new();
    /// assert_eq!(id.to_string().parse::<NotificationId>().ok(), Some(id));
    /// ```
    NotificationId
);

/// The `model_name` of a notification's events: `added` when it is made (with its
/// snapshot), `changed` `read` when it is read, `deleted` when it is deleted or expires.
pub const EVENT_MODEL: &str = "notification";

/// The `model_name` of a user's notification preferences' events: `changed` with the kind as
/// attribute and whether it is enabled as values; the object is the user.
pub const PREFERENCES_EVENT_MODEL: &str = "notification_preferences";

/// A notification as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Its id.
    pub id: NotificationId,
    /// The user it is for; only they see it.
    pub user_id: UserId,
    /// Its parameters (its kind with them).
    pub params: NotificationParams,
    /// The message rendered from the kind's template when it was made.
    pub message: String,
    /// What made it (an event's position, an object's first sync): a store keeps at most one
    /// notification per key, so a notification made twice is stored once.
    pub dedupe_key: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was read; `None` while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// A new unread notification for `user`, its message rendered from `params`.
    ///
    /// ```
    /// use chrono::Utc;
    /// use switchboard_domain::UserId;
    /// use switchboard_domain::notifications::{Notification, NotificationKind, NotificationParams};
    ///
    /// let params = NotificationParams::WebhookDisabled { webhook_id: "w1".into() };
    /// let n = Notification::new(UserId::new(), params, "ev:1.2".into(), Utc::now());
    /// assert_eq!(n.kind(), NotificationKind::WebhookDisabled);
    /// assert_eq!(n.message, "Your webhook w1 was disabled; it receives no deliveries until you enable it again.");
    /// assert!(n.read_at.is_none());
    /// ```
    pub fn new(
        user: UserId,
        params: NotificationParams,
        dedupe_key: String,
        now: DateTime<Utc>,
    ) -> Self {
        let message = params.render();
        Self {
            id: NotificationId::new(),
            user_id: user,
            params,
            message,
            dedupe_key,
            // Microseconds, as stores keep time and as cursors carry it: a cursor then names
            // exactly the notification it came from.
            created_at: now.trunc_subsecs(6),
            read_at: None,
        }
    }

    /// Its kind.
    pub fn kind(&self) -> NotificationKind {
        self.params.kind()
    }

    /// Where it stands in its user's listing (newest first).
    pub fn cursor(&self) -> NotificationCursor {
        NotificationCursor { created_at: self.created_at, id: self.id }
    }

    /// The notification as recorded in events.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "user_id": self.user_id,
            "kind": self.kind(),
            "params": self.params.to_json(),
            "message": self.message,
            "created_at": self.created_at,
        })
    }
}

/// A place in a user's listing, newest first: a page continues with what is strictly older.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotificationCursor {
    /// The notification's creation time.
    pub created_at: DateTime<Utc>,
    /// Its id, breaking ties.
    pub id: NotificationId,
}

/// A page of a user's notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread_only: bool,
    /// Only those strictly older than this place.
    pub after: Option<NotificationCursor>,
    /// At most this many.
    pub limit: u32,
}

/// Which of a user's notifications to mark read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadSelection {
    /// These (others' ids and unknown ones are ignored).
    Ids(Vec<NotificationId>),
    /// This place and everything older.
    UpTo(NotificationCursor),
}

/// A marker the notification consumer keeps between runs: that an object's first sync was
/// told, that a failure was already told (until the object recovers), that a channel's summary
/// of a day was told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationMark {
    /// What it marks (see the `*_mark` functions of [`triggers`]).
    pub key: String,
    /// The user concerned.
    pub user_id: UserId,
    /// When it was set.
    pub created_at: DateTime<Utc>,
    /// Kept past the retention: a first sync happens once in an object's life.
    pub lasting: bool,
}
