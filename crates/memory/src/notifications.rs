//! [`MemoryTx`] as the notification store.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::notifications::{
    Notification, NotificationId, NotificationKind, NotificationMark, NotificationQuery,
    ReadSelection,
};
use switchboard_ports::{NotificationStore, StoreError};

use crate::MemoryTx;

/// Notifications, the consumer's marks and users' opt-outs.
#[derive(Debug, Clone, Default)]
pub struct NotificationState {
    /// Notifications by id.
    pub items: BTreeMap<NotificationId, Notification>,
    /// Marks by key.
    pub marks: BTreeMap<String, NotificationMark>,
    /// The kinds each user opted out of.
    pub opt_outs: BTreeSet<(UserId, NotificationKind)>,
}

impl NotificationStore for MemoryTx {
    async fn insert_notifications(
        &mut self,
        notifications: &[Notification],
    ) -> Result<Vec<Notification>, StoreError> {
        let mut stored = Vec::new();
        for n in notifications {
            let state = &mut self.state.notifications;
            let taken = state.items.contains_key(&n.id)
                || state.items.values().any(|o| o.dedupe_key == n.dedupe_key);
            if taken || !self.state.identity.users.contains_key(&n.user_id) {
                continue;
            }
            state.items.insert(n.id, n.clone());
            stored.push(n.clone());
        }
        Ok(stored)
    }

    async fn notification(
        &mut self,
        user: UserId,
        id: NotificationId,
    ) -> Result<Option<Notification>, StoreError> {
        Ok(self.state.notifications.items.get(&id).filter(|n| n.user_id == user).cloned())
    }

    async fn notifications(
        &mut self,
        user: UserId,
        query: NotificationQuery,
    ) -> Result<Vec<Notification>, StoreError> {
        let mut found: Vec<&Notification> = self
            .state
            .notifications
            .items
            .values()
            .filter(|n| n.user_id == user && (!query.unread_only || n.read_at.is_none()))
            .filter(|n| query.after.is_none_or(|after| n.cursor() < after))
            .collect();
        found.sort_by_key(|n| std::cmp::Reverse(n.cursor()));
        Ok(found.into_iter().take(query.limit as usize).cloned().collect())
    }

    async fn mark_notifications_read(
        &mut self,
        user: UserId,
        selection: &ReadSelection,
        at: DateTime<Utc>,
    ) -> Result<Vec<NotificationId>, StoreError> {
        let mut marked = Vec::new();
        for n in self.state.notifications.items.values_mut() {
            let selected = match selection {
                ReadSelection::Ids(ids) => ids.contains(&n.id),
                ReadSelection::UpTo(cursor) => n.cursor() <= *cursor,
            };
            if n.user_id == user && n.read_at.is_none() && selected {
                n.read_at = Some(at);
                marked.push(n.id);
            }
        }
        Ok(marked)
    }

    async fn delete_notification(
        &mut self,
        user: UserId,
        id: NotificationId,
    ) -> Result<bool, StoreError> {
        let items = &mut self.state.notifications.items;
        if items.get(&id).is_some_and(|n| n.user_id == user) {
            items.remove(&id);
            return Ok(true);
        }
        Ok(false)
    }

    async fn expire_notifications(
        &mut self,
        before: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(NotificationId, UserId)>, StoreError> {
        let state = &mut self.state.notifications;
        let mut old: Vec<&Notification> =
            state.items.values().filter(|n| n.created_at < before).collect();
        old.sort_by_key(|n| n.cursor());
        let gone: Vec<(NotificationId, UserId)> =
            old.into_iter().take(limit).map(|n| (n.id, n.user_id)).collect();
        for (id, _) in &gone {
            state.items.remove(id);
        }
        state.marks.retain(|_, m| m.lasting || m.created_at >= before);
        Ok(gone)
    }

    async fn set_notification_mark(&mut self, mark: &NotificationMark) -> Result<bool, StoreError> {
        if !self.state.identity.users.contains_key(&mark.user_id)
            || self.state.notifications.marks.contains_key(&mark.key)
        {
            return Ok(false);
        }
        self.state.notifications.marks.insert(mark.key.clone(), mark.clone());
        Ok(true)
    }

    async fn notification_mark(&mut self, key: &str) -> Result<bool, StoreError> {
        Ok(self.state.notifications.marks.contains_key(key))
    }

    async fn clear_notification_mark(&mut self, key: &str) -> Result<bool, StoreError> {
        Ok(self.state.notifications.marks.remove(key).is_some())
    }

    async fn notification_opt_outs(
        &mut self,
        user: UserId,
    ) -> Result<Vec<NotificationKind>, StoreError> {
        let outs = &self.state.notifications.opt_outs;
        Ok(NotificationKind::ALL.into_iter().filter(|k| outs.contains(&(user, *k))).collect())
    }

    async fn set_notification_opt_out(
        &mut self,
        user: UserId,
        kind: NotificationKind,
        opted_out: bool,
    ) -> Result<bool, StoreError> {
        let outs = &mut self.state.notifications.opt_outs;
        Ok(if opted_out { outs.insert((user, kind)) } else { outs.remove(&(user, kind)) })
    }
}
