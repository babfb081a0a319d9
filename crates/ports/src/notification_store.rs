//! The store of notifications, the notification consumer's marks and users' opt-outs,
//! implemented by each adapter's transaction type. Events are the caller's to append.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::notifications::{
    Notification, NotificationId, NotificationKind, NotificationMark, NotificationQuery,
    ReadSelection,
};

use crate::StoreError;

/// Notifications' reads and writes.
pub trait NotificationStore: Send {
    /// Stores `notifications`, skipping any whose dedupe key is already stored or whose user
    /// does not exist; returns those stored.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_notifications(
        &mut self,
        notifications: &[Notification],
    ) -> impl Future<Output = Result<Vec<Notification>, StoreError>> + Send;

    /// `user`'s notification `id`, if it is theirs.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn notification(
        &mut self,
        user: UserId,
        id: NotificationId,
    ) -> impl Future<Output = Result<Option<Notification>, StoreError>> + Send;

    /// A page of `user`'s notifications, newest first (by creation time, then id).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn notifications(
        &mut self,
        user: UserId,
        query: NotificationQuery,
    ) -> impl Future<Output = Result<Vec<Notification>, StoreError>> + Send;

    /// Marks the selected unread notifications of `user` read at `at`; returns those it
    /// marked (others' and already read ones are left alone).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mark_notifications_read(
        &mut self,
        user: UserId,
        selection: &ReadSelection,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<NotificationId>, StoreError>> + Send;

    /// Deletes `user`'s notification `id`; false when there is no such notification of theirs.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delete_notification(
        &mut self,
        user: UserId,
        id: NotificationId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes at most `limit` notifications made before `before`, and the marks set before
    /// it that are not lasting; returns the notifications deleted, with their users.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn expire_notifications(
        &mut self,
        before: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(NotificationId, UserId)>, StoreError>> + Send;

    /// Sets a mark unless its key is set; true when this call set it. A mark whose user does
    /// not exist is not set (false).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn set_notification_mark(
        &mut self,
        mark: &NotificationMark,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Whether a mark is set.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn notification_mark(
        &mut self,
        key: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes a mark; true when it was set.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn clear_notification_mark(
        &mut self,
        key: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The kinds `user` opted out of, in [`NotificationKind::ALL`]'s order.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn notification_opt_outs(
        &mut self,
        user: UserId,
    ) -> impl Future<Output = Result<Vec<NotificationKind>, StoreError>> + Send;

    /// Opts `user` out of `kind` (`opted_out`) or back in; true when that changed anything.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn set_notification_opt_out(
        &mut self,
        user: UserId,
        kind: NotificationKind,
        opted_out: bool,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
