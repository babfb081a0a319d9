//! Per-user notifications: listing, reading, deleting, preferences and expiry. They are made
//! by [`NotificationConsumer`], an event-log consumer run by a recurring job, never by the
//! request that caused them.

mod consumer;
mod error;
mod jobs;

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::NewEvent;
use switchboard_domain::notifications::{
    EVENT_MODEL, Notification, NotificationCursor, NotificationId, NotificationKind,
    NotificationQuery, PREFERENCES_EVENT_MODEL, ReadSelection,
};
use switchboard_ports::{Clock, NotificationStore, Ports, StoreError, Transaction, UnitOfWork};

use crate::Principal;
use crate::events::catch_up;

pub use consumer::NotificationConsumer;
pub use error::NotificationError;
pub use jobs::{NotificationsExpireJob, NotificationsUpdateJob};

/// Notification settings, from configuration.
#[derive(Debug, Clone)]
pub struct NotificationPolicy {
    /// Notifications older than this are deleted by the expiry job.
    pub retention: Duration,
    /// Events the consumer reads per transaction.
    pub batch: usize,
    /// Notifications deleted per expiry transaction.
    pub expire_batch: usize,
    /// A page's size when the caller names none.
    pub default_page: u32,
}

impl Default for NotificationPolicy {
    fn default() -> Self {
        Self {
            retention: Duration::from_secs(30 * 86_400),
            batch: 256,
            expire_batch: 1000,
            default_page: 50,
        }
    }
}

/// A page of the caller's notifications, newest first.
#[derive(Debug, Clone)]
pub struct NotificationPage {
    /// The notifications.
    pub notifications: Vec<Notification>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<NotificationCursor>,
}

/// What to mark read.
#[derive(Debug, Clone)]
pub enum ReadRequest {
    /// These notifications (unknown ids and others' are ignored).
    Ids(Vec<NotificationId>),
    /// This notification of the caller's and everything older.
    UpToId(NotificationId),
    /// This place in the listing and everything older.
    UpTo(NotificationCursor),
}

/// A kind, and whether the user is notified of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindPreference {
    /// The kind.
    pub kind: NotificationKind,
    /// False when the user opted out: no notification of it is made.
    pub enabled: bool,
}

/// The notification use cases.
pub struct NotificationService<P: Ports> {
    uow: P::Uow,
    clock: P::Clock,
    policy: Arc<NotificationPolicy>,
    consumer: Arc<NotificationConsumer<P::Clock>>,
}

impl<P: Ports> std::fmt::Debug for NotificationService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationService").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports> Clone for NotificationService<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            policy: self.policy.clone(),
            consumer: self.consumer.clone(),
        }
    }
}

impl<P: Ports> NotificationService<P> {
    /// The service over its adapters and policy.
    pub fn new(uow: P::Uow, clock: P::Clock, policy: NotificationPolicy) -> Self {
        let consumer = Arc::new(NotificationConsumer::new(clock.clone()));
        Self { uow, clock, policy: Arc::new(policy), consumer }
    }

    /// The same service (its consumer and policy) reaching the store through `uow`.
    #[must_use]
    pub fn with_uow(&self, uow: P::Uow) -> Self {
        Self { uow, ..self.clone() }
    }

    /// The event consumer that makes notifications.
    pub fn consumer(&self) -> Arc<NotificationConsumer<P::Clock>> {
        self.consumer.clone()
    }

    /// Runs the consumer until it has caught up with the event log; returns how many events
    /// it read.
    ///
    /// # Errors
    /// [`NotificationError::Store`]; what was committed before stays.
    pub async fn update(&self) -> Result<usize, NotificationError> {
        Ok(catch_up(&self.uow, self.consumer.clone(), self.policy.batch.max(1)).await?)
    }

    /// A page of the caller's notifications, newest first; `limit` defaults to the policy's.
    ///
    /// # Errors
    /// [`NotificationError::Store`].
    pub async fn list(
        &self,
        caller: &Principal,
        unread_only: bool,
        after: Option<NotificationCursor>,
        limit: Option<u32>,
    ) -> Result<NotificationPage, NotificationError> {
        let user = caller.user_id;
        let limit = limit.unwrap_or(self.policy.default_page).max(1);
        let query = NotificationQuery { unread_only, after, limit };
        let notifications = self
            .uow
            .read(move |tx| Box::pin(async move { tx.notifications(user, query).await }))
            .await?;
        let full = notifications.len() == limit as usize;
        let next = notifications.last().filter(|_| full).map(Notification::cursor);
        Ok(NotificationPage { notifications, next })
    }

    /// Marks the caller's selected unread notifications read; returns how many it marked.
    ///
    /// # Errors
    /// [`NotificationError::NotFound`] for an `UpToId` that is not one of the caller's
    /// notifications; [`NotificationError::Store`].
    pub async fn mark_read(
        &self,
        caller: &Principal,
        request: ReadRequest,
    ) -> Result<usize, NotificationError> {
        let (user, now) = (caller.user_id, self.clock.now());
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let selection = match request {
                        ReadRequest::Ids(ids) => ReadSelection::Ids(ids),
                        ReadRequest::UpTo(cursor) => ReadSelection::UpTo(cursor),
                        ReadRequest::UpToId(id) => {
                            let found = tx.notification(user, id).await?;
                            ReadSelection::UpTo(found.ok_or(NotificationError::NotFound)?.cursor())
                        }
                    };
                    let marked = tx.mark_notifications_read(user, &selection, now).await?;
                    if !marked.is_empty() {
                        let events = marked.iter().map(|id| {
                            NewEvent::changed(EVENT_MODEL, id.to_string(), "read", false, true)
                                .by(Some(user))
                                .owned_by(Some(user))
                        });
                        tx.append_events(events.collect()).await?;
                    }
                    Ok(marked.len())
                })
            })
            .await
    }

    /// Deletes one of the caller's notifications.
    ///
    /// # Errors
    /// [`NotificationError::NotFound`] when it is not one of theirs;
    /// [`NotificationError::Store`].
    pub async fn delete(
        &self,
        caller: &Principal,
        id: NotificationId,
    ) -> Result<(), NotificationError> {
        let user = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    if !tx.delete_notification(user, id).await? {
                        return Err(NotificationError::NotFound);
                    }
                    let event = NewEvent::deleted(EVENT_MODEL, id.to_string())
                        .by(Some(user))
                        .owned_by(Some(user));
                    tx.append_events(vec![event]).await?;
                    Ok(())
                })
            })
            .await
    }

    /// Every kind, and whether the caller is notified of it.
    ///
    /// # Errors
    /// [`NotificationError::Store`].
    pub async fn preferences(
        &self,
        caller: &Principal,
    ) -> Result<Vec<KindPreference>, NotificationError> {
        let user = caller.user_id;
        let outs = self
            .uow
            .read(move |tx| Box::pin(async move { tx.notification_opt_outs(user).await }))
            .await?;
        Ok(preferences_from(&outs))
    }

    /// Turns kinds on or off for the caller (the others stay as they are); returns every
    /// kind's preference.
    ///
    /// # Errors
    /// [`NotificationError::Store`].
    pub async fn set_preferences(
        &self,
        caller: &Principal,
        changes: Vec<KindPreference>,
    ) -> Result<Vec<KindPreference>, NotificationError> {
        let user = caller.user_id;
        let outs = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let mut events = Vec::new();
                    for change in changes {
                        if tx.set_notification_opt_out(user, change.kind, !change.enabled).await? {
                            events.push(
                                NewEvent::changed(
                                    PREFERENCES_EVENT_MODEL,
                                    user.to_string(),
                                    change.kind.as_str(),
                                    !change.enabled,
                                    change.enabled,
                                )
                                .by(Some(user))
                                .owned_by(Some(user)),
                            );
                        }
                    }
                    if !events.is_empty() {
                        tx.append_events(events).await?;
                    }
                    Ok::<_, NotificationError>(tx.notification_opt_outs(user).await?)
                })
            })
            .await?;
        Ok(preferences_from(&outs))
    }

    /// Deletes the notifications older than the retention (and the consumer's marks that do
    /// not last), a batch per transaction, each with its `deleted` event; returns how many.
    ///
    /// # Errors
    /// [`NotificationError::Store`]; the batches committed before stay deleted.
    pub async fn expire(&self) -> Result<usize, NotificationError> {
        let retention = chrono::TimeDelta::from_std(self.policy.retention)
            .map_err(|e| StoreError::Other(format!("retention: {e}")))?;
        let before = self.clock.now() - retention;
        let limit = self.policy.expire_batch.max(1);
        let mut total = 0;
        loop {
            let gone = self
                .uow
                .transact(move |tx| {
                    Box::pin(async move {
                        let gone = tx.expire_notifications(before, limit).await?;
                        if !gone.is_empty() {
                            let events = gone.iter().map(|(id, user)| {
                                NewEvent::deleted(EVENT_MODEL, id.to_string()).owned_by(Some(*user))
                            });
                            tx.append_events(events.collect()).await?;
                        }
                        Ok::<_, NotificationError>(gone.len())
                    })
                })
                .await?;
            total += gone;
            if gone < limit {
                return Ok(total);
            }
        }
    }
}

fn preferences_from(outs: &[NotificationKind]) -> Vec<KindPreference> {
    NotificationKind::ALL
        .into_iter()
        .map(|kind| KindPreference { kind, enabled: !outs.contains(&kind) })
        .collect()
}
