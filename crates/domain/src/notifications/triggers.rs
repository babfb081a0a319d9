//! What the notification consumer reads in the event log, and the keys that make each
//! notification unique. Pure: the consumer looks up names in the stores and decides.

use chrono::NaiveDate;

use super::{ConnectionKind, NotificationKind};
use crate::{Change, Event, UserId};

/// A chat source's or mail account's status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// Chat source or mail account.
    pub connection: ConnectionKind,
    /// Its id.
    pub object_id: String,
    /// Its owner.
    pub owner: UserId,
    /// The status before.
    pub old: String,
    /// The status after.
    pub new: String,
}

impl StatusChange {
    /// The change ends a successful sync (`syncing` → `active`): the first one of an object
    /// is its first sync.
    pub fn synced(&self) -> bool {
        self.old == "syncing" && self.new == "active"
    }

    /// The object must be connected again.
    pub fn needs_reauth(&self) -> bool {
        self.new == "reauth_required"
    }

    /// A sync failed.
    pub fn failed(&self) -> bool {
        self.new == "error"
    }

    /// The object works again: a later failure is a new one.
    pub fn recovered(&self) -> bool {
        self.new == "active"
    }
}

fn text(value: &serde_json::Value) -> Option<&str> {
    value.as_str()
}

/// The status change `event` records, if it is one of a chat source or mail account with an
/// owner.
pub fn status_change(event: &Event) -> Option<StatusChange> {
    let connection = ConnectionKind::from_event_model(&event.model_name)?;
    let Change::Changed { attribute_name, old_value, new_value } = &event.change else {
        return None;
    };
    if attribute_name != "status" {
        return None;
    }
    Some(StatusChange {
        connection,
        object_id: event.object_id.clone(),
        owner: event.owner_id?,
        old: text(old_value).unwrap_or_default().to_owned(),
        new: text(new_value)?.to_owned(),
    })
}

/// The `model_name` of webhooks' events.
pub const WEBHOOK_MODEL: &str = "webhook";

/// The owner and webhook id when `event` disables a webhook: its `enabled` attribute going
/// from true to false, or its `status` becoming `disabled`. Read from the event alone.
///
/// ```
/// use switchboard_domain::{Change, Event, EventPosition, UserId};
/// use switchboard_domain::notifications::triggers::webhook_disabled;
///
/// let owner = UserId::new();
/// let event = Event {
///     position: EventPosition { tx: 1, id: 1 },
///     occurred_at: chrono::Utc::now(),
///     model_name: "webhook".into(),
///     object_id: "w1".into(),
///     occurred_by: None,
///     owner_id: Some(owner),
///     change: Change::Changed {
///         attribute_name: "enabled".into(),
///         old_value: true.into(),
///         new_value: false.into(),
///     },
/// };
/// assert_eq!(webhook_disabled(&event), Some((owner, "w1".to_owned())));
/// ```
pub fn webhook_disabled(event: &Event) -> Option<(UserId, String)> {
    if event.model_name != WEBHOOK_MODEL {
        return None;
    }
    let Change::Changed { attribute_name, old_value, new_value } = &event.change else {
        return None;
    };
    let disabled = match attribute_name.as_str() {
        "enabled" => old_value.as_bool() != Some(false) && new_value.as_bool() == Some(false),
        "status" => text(new_value) == Some("disabled") && text(old_value) != Some("disabled"),
        _ => false,
    };
    disabled.then(|| Some((event.owner_id?, event.object_id.clone()))).flatten()
}

/// A message added to a mailbox, from its `added` event's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedMessage {
    /// Its owner.
    pub owner: UserId,
    /// Its account's id.
    pub account_id: String,
    /// The folders or labels it is in.
    pub folder_ids: Vec<String>,
    /// Not read yet.
    pub unread: bool,
}

/// The message `event` adds, if it adds one (`mail_message` `added`).
pub fn added_message(event: &Event) -> Option<AddedMessage> {
    if event.model_name != crate::mail::StoredMessage::EVENT_MODEL {
        return None;
    }
    let Change::Added { snapshot } = &event.change else { return None };
    let folder_ids = snapshot.get("folder_ids").and_then(|f| f.as_array());
    Some(AddedMessage {
        owner: event.owner_id?,
        account_id: snapshot.get("account_id").and_then(text)?.to_owned(),
        folder_ids: folder_ids
            .map(|f| f.iter().filter_map(text).map(str::to_owned).collect())
            .unwrap_or_default(),
        unread: snapshot.get("unread").and_then(serde_json::Value::as_bool).unwrap_or(false),
    })
}

/// The owner and channel id when `event` says posts of a channel were written.
pub fn channel_posts(event: &Event) -> Option<(UserId, String)> {
    use crate::chat_sources::Channel;
    if event.model_name != Channel::EVENT_MODEL {
        return None;
    }
    match &event.change {
        Change::Changed { attribute_name, .. } if attribute_name == Channel::POSTS_ATTRIBUTE => {
            Some((event.owner_id?, event.object_id.clone()))
        }
        _ => None,
    }
}

/// The key of a notification made by one event: one per kind and event.
///
/// ```
/// use switchboard_domain::EventPosition;
/// use switchboard_domain::notifications::NotificationKind;
/// use switchboard_domain::notifications::triggers::event_key;
///
/// let key = event_key(NotificationKind::SyncFailed, EventPosition { tx: 7, id: 3 });
/// assert_eq!(key, "sync_failed:7.3");
/// ```
pub fn event_key(kind: NotificationKind, position: crate::EventPosition) -> String {
    format!("{kind}:{}", position.to_cursor())
}

/// The mark (and notification key) of an object's first sync: once in its life.
pub fn first_sync_mark(connection: ConnectionKind, object_id: &str) -> String {
    format!("first_sync:{}:{object_id}", connection.event_model())
}

/// The mark of a failure already told, until the object recovers.
pub fn failure_mark(connection: ConnectionKind, object_id: &str) -> String {
    format!("sync_failed:{}:{object_id}", connection.event_model())
}

/// The mark (and notification key) of a channel's summary of a day.
pub fn summary_mark(channel_id: &str, day: NaiveDate) -> String {
    format!("daily_summary:{channel_id}:{day}")
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::EventPosition;

    fn event(model: &str, change: Change, owner: Option<UserId>) -> Event {
        Event {
            position: EventPosition { tx: 1, id: 1 },
            occurred_at: Utc::now(),
            model_name: model.into(),
            object_id: "o1".into(),
            occurred_by: None,
            owner_id: owner,
            change,
        }
    }

    fn changed(attribute: &str, old: serde_json::Value, new: serde_json::Value) -> Change {
        Change::Changed { attribute_name: attribute.into(), old_value: old, new_value: new }
    }

    #[test]
    fn status_changes_of_connections_are_read_and_classified() {
        let owner = Some(UserId::new());
        let e = event("mail_account", changed("status", "syncing".into(), "active".into()), owner);
        let change = status_change(&e);
        assert!(change.as_ref().is_some_and(|c| c.synced() && c.recovered() && !c.failed()));
        let e = event("chat_source", changed("status", "syncing".into(), "error".into()), owner);
        assert!(status_change(&e).is_some_and(|c| c.failed() && !c.synced()));
        let e = event(
            "chat_source",
            changed("status", "error".into(), "reauth_required".into()),
            owner,
        );
        assert!(status_change(&e).is_some_and(|c| c.needs_reauth()));
        // Reconnected without a sync: active again, not a first sync.
        let e = event(
            "chat_source",
            changed("status", "reauth_required".into(), "active".into()),
            owner,
        );
        assert!(status_change(&e).is_some_and(|c| !c.synced() && c.recovered()));
        // Another attribute, another model, no owner: nothing.
        let e = event("chat_source", changed("include_direct", false.into(), true.into()), owner);
        assert!(status_change(&e).is_none());
        let e = event("user", changed("status", "a".into(), "b".into()), owner);
        assert!(status_change(&e).is_none());
        let e = event("mail_account", changed("status", "syncing".into(), "active".into()), None);
        assert!(status_change(&e).is_none());
    }

    #[test]
    fn only_a_change_to_disabled_disables_a_webhook() {
        let owner = Some(UserId::new());
        let disabled = [
            changed("enabled", true.into(), false.into()),
            changed("status", "active".into(), "disabled".into()),
        ];
        for change in disabled {
            assert!(webhook_disabled(&event("webhook", change, owner)).is_some());
        }
        let not = [
            changed("enabled", false.into(), true.into()),
            changed("enabled", false.into(), false.into()),
            changed("status", "disabled".into(), "active".into()),
            changed("url", "a".into(), "b".into()),
            Change::Deleted,
        ];
        for change in not {
            assert!(webhook_disabled(&event("webhook", change, owner)).is_none());
        }
        let e = event("webhook", changed("enabled", true.into(), false.into()), None);
        assert!(webhook_disabled(&e).is_none(), "no owner, no one to tell");
        let e = event("chat_source", changed("enabled", true.into(), false.into()), owner);
        assert!(webhook_disabled(&e).is_none());
    }

    #[test]
    fn added_messages_are_read_from_their_snapshot() {
        let owner = Some(UserId::new());
        let snapshot =
            serde_json::json!({"account_id": "a1", "folder_ids": ["f1", "f2"], "unread": true});
        let e = event("mail_message", Change::Added { snapshot }, owner);
        let added = added_message(&e);
        assert_eq!(added.as_ref().map(|m| m.folder_ids.len()), Some(2));
        assert!(added.is_some_and(|m| m.unread && m.account_id == "a1"));
        let e = event("mail_message", changed("unread", true.into(), false.into()), owner);
        assert!(added_message(&e).is_none());
    }

    #[test]
    fn keys_name_their_kind_and_object() {
        assert_eq!(
            first_sync_mark(ConnectionKind::MailAccount, "m1"),
            "first_sync:mail_account:m1"
        );
        assert_eq!(failure_mark(ConnectionKind::ChatSource, "s1"), "sync_failed:chat_source:s1");
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        assert_eq!(summary_mark("c1", day), "daily_summary:c1:2026-12-07");
        let posts = event(
            "chat_channel",
            changed("posts", serde_json::Value::Null, 3.into()),
            Some(UserId::new()),
        );
        assert!(channel_posts(&posts).is_some_and(|(_, c)| c == "o1"));
    }
}
