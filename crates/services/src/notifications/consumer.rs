//! The event consumer that makes notifications. It runs in the transaction that moves its
//! checkpoint, so each event is read once even with several workers; each notification also
//! has a dedupe key the store keeps unique, so a notification made twice is stored once.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use switchboard_domain::mail::{FolderRole, MailAccountId};
use switchboard_domain::notifications::triggers::{
    self, AddedMessage, StatusChange, event_key, failure_mark, first_sync_mark, summary_mark,
};
use switchboard_domain::notifications::{
    Connection, ConnectionKind, Notification, NotificationKind, NotificationMark,
    NotificationParams,
};
use switchboard_domain::{Event, EventPosition, NewEvent, UserId};
use switchboard_ports::{
    BoxFuture, ChatStore, Clock, MailStore, NotificationStore, StoreError, Transaction,
};

use crate::events::EventConsumer;

/// Reads connections' status changes, new mail, channels' posts and webhooks' changes, and
/// makes their owners' notifications (see `docs/notifications.md` for when each kind fires).
pub struct NotificationConsumer<C> {
    clock: C,
}

impl<C> std::fmt::Debug for NotificationConsumer<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Self::NAME)
    }
}

impl<C> NotificationConsumer<C> {
    /// The consumer's name (its checkpoint's key).
    pub const NAME: &'static str = "notifications";

    /// The consumer, dating what it makes by `clock`.
    pub fn new(clock: C) -> Self {
        Self { clock }
    }
}

/// New inbox mail of one account in a batch.
struct Burst {
    owner: UserId,
    first: EventPosition,
    count: u64,
}

/// One batch's work: the notifications made, and what was looked up.
struct Batch<'t, Tx> {
    tx: &'t mut Tx,
    now: DateTime<Utc>,
    made: Vec<Notification>,
    bursts: BTreeMap<MailAccountId, Burst>,
    inboxes: HashMap<MailAccountId, HashSet<String>>,
}

impl<Tx> Batch<'_, Tx>
where
    Tx: ChatStore + MailStore + NotificationStore + Transaction,
{
    fn make(&mut self, user: UserId, params: NotificationParams, key: String) {
        self.made.push(Notification::new(user, params, key, self.now));
    }

    async fn mark(&mut self, key: &str, user: UserId, lasting: bool) -> Result<bool, StoreError> {
        let mark =
            NotificationMark { key: key.to_owned(), user_id: user, created_at: self.now, lasting };
        self.tx.set_notification_mark(&mark).await
    }

    /// The connection as its owner knows it; `None` when it is gone.
    async fn connection(
        &mut self,
        change: &StatusChange,
    ) -> Result<Option<(Connection, Option<String>)>, StoreError> {
        let id = change.object_id.clone();
        Ok(match change.connection {
            ConnectionKind::ChatSource => {
                let Ok(source) = id.parse() else { return Ok(None) };
                self.tx.chat_source(source).await?.map(|s| {
                    let team =
                        if s.team_name.is_empty() { s.external_user_name } else { s.team_name };
                    let name = format!("{} {team}", s.provider);
                    (Connection { kind: change.connection, id, name }, s.last_error)
                })
            }
            ConnectionKind::MailAccount => {
                let Ok(account) = id.parse() else { return Ok(None) };
                self.tx.mail_account_by_id(account).await?.map(|a| {
                    (Connection { kind: change.connection, id, name: a.address }, a.last_error)
                })
            }
        })
    }

    async fn status(&mut self, event: &Event, change: StatusChange) -> Result<(), StoreError> {
        let owner = change.owner;
        let failed = failure_mark(change.connection, &change.object_id);
        if change.recovered() {
            self.tx.clear_notification_mark(&failed).await?;
        }
        if !(change.synced() || change.needs_reauth() || change.failed()) {
            return Ok(());
        }
        let Some((connection, error)) = self.connection(&change).await? else { return Ok(()) };
        if change.synced() {
            let key = first_sync_mark(change.connection, &change.object_id);
            if self.mark(&key, owner, true).await? {
                // Mail this batch read before is no longer the first sync's from here on.
                if let Ok(account) = change.object_id.parse::<MailAccountId>() {
                    self.inboxes.remove(&account);
                }
                self.make(owner, NotificationParams::FirstSync { connection }, key);
            }
        } else if change.needs_reauth() {
            let key = event_key(NotificationKind::ReauthRequired, event.position);
            self.make(owner, NotificationParams::ReauthRequired { connection }, key);
        } else if self.mark(&failed, owner, false).await? {
            // Told once per failure: the retries that fail again until it recovers are not.
            let key = event_key(NotificationKind::SyncFailed, event.position);
            self.make(owner, NotificationParams::SyncFailed { connection, error }, key);
        }
        Ok(())
    }

    /// Whether any of `folders` is an inbox of `account`, once its first sync is done (the
    /// mail a first sync stores is not new to its owner).
    async fn in_inbox(
        &mut self,
        account: MailAccountId,
        folders: &[String],
    ) -> Result<bool, StoreError> {
        if !self.inboxes.contains_key(&account) {
            let key = first_sync_mark(ConnectionKind::MailAccount, &account.to_string());
            let inbox = if self.tx.notification_mark(&key).await? {
                let folders = self.tx.mail_folders(account).await?;
                folders
                    .into_iter()
                    .filter(|f| f.role == Some(FolderRole::Inbox))
                    .map(|f| f.id.to_string())
                    .collect()
            } else {
                HashSet::new()
            };
            self.inboxes.insert(account, inbox);
        }
        let inbox = self.inboxes.get(&account);
        Ok(inbox.is_some_and(|inbox| folders.iter().any(|f| inbox.contains(f))))
    }

    async fn message(&mut self, event: &Event, added: AddedMessage) -> Result<(), StoreError> {
        let Ok(account) = added.account_id.parse::<MailAccountId>() else { return Ok(()) };
        if !added.unread {
            return Ok(());
        }
        if !self.in_inbox(account, &added.folder_ids).await? {
            return Ok(());
        }
        self.bursts
            .entry(account)
            .or_insert(Burst { owner: added.owner, first: event.position, count: 0 })
            .count += 1;
        Ok(())
    }

    async fn posts(
        &mut self,
        event: &Event,
        owner: UserId,
        channel: &str,
    ) -> Result<(), StoreError> {
        let Ok(id) = channel.parse() else { return Ok(()) };
        let Some(channel) = self.tx.chat_channel(id).await? else { return Ok(()) };
        // A source's first sync writes every channel's history: not a day's summary.
        let synced = first_sync_mark(ConnectionKind::ChatSource, &channel.source_id.to_string());
        if !self.tx.notification_mark(&synced).await? {
            return Ok(());
        }
        let day = event.occurred_at.date_naive();
        let key = summary_mark(&channel.id.to_string(), day);
        if self.mark(&key, owner, false).await? {
            let params = NotificationParams::DailySummary {
                channel_id: channel.id.to_string(),
                channel_name: channel.name,
                day,
            };
            self.make(owner, params, key);
        }
        Ok(())
    }

    /// One notification per account for the new inbox mail of the batch.
    async fn bursts(&mut self) -> Result<(), StoreError> {
        for (account, burst) in std::mem::take(&mut self.bursts) {
            let Some(found) = self.tx.mail_account_by_id(account).await? else { continue };
            let params = NotificationParams::NewMail {
                account_id: account.to_string(),
                address: found.address,
                count: burst.count,
            };
            let key = event_key(NotificationKind::NewMail, burst.first);
            self.make(burst.owner, params, key);
        }
        Ok(())
    }

    /// Stores what was made, but the kinds their users opted out of, with their events.
    async fn store(self) -> Result<usize, StoreError> {
        let mut opted: HashMap<UserId, Vec<NotificationKind>> = HashMap::new();
        let mut wanted = Vec::with_capacity(self.made.len());
        for n in self.made {
            if let std::collections::hash_map::Entry::Vacant(entry) = opted.entry(n.user_id) {
                entry.insert(self.tx.notification_opt_outs(n.user_id).await?);
            }
            if !opted.get(&n.user_id).is_some_and(|outs| outs.contains(&n.kind())) {
                wanted.push(n);
            }
        }
        let stored = self.tx.insert_notifications(&wanted).await?;
        if !stored.is_empty() {
            let events = stored.iter().map(|n| {
                NewEvent::added(
                    switchboard_domain::notifications::EVENT_MODEL,
                    n.id.to_string(),
                    n.snapshot(),
                )
                .owned_by(Some(n.user_id))
            });
            self.tx.append_events(events.collect()).await?;
        }
        Ok(stored.len())
    }
}

impl<C, Tx> EventConsumer<Tx> for NotificationConsumer<C>
where
    C: Clock,
    Tx: ChatStore + MailStore + NotificationStore + Transaction,
{
    fn name(&self) -> &str {
        Self::NAME
    }

    fn handle<'t>(
        &'t self,
        tx: &'t mut Tx,
        events: &'t [Event],
    ) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let mut batch = Batch {
                tx,
                now: self.clock.now(),
                made: Vec::new(),
                bursts: BTreeMap::new(),
                inboxes: HashMap::new(),
            };
            for event in events {
                if let Some(change) = triggers::status_change(event) {
                    batch.status(event, change).await?;
                } else if let Some((owner, webhook_id)) = triggers::webhook_disabled(event) {
                    let key = event_key(NotificationKind::WebhookDisabled, event.position);
                    batch.make(owner, NotificationParams::WebhookDisabled { webhook_id }, key);
                } else if let Some(added) = triggers::added_message(event) {
                    batch.message(event, added).await?;
                } else if let Some((owner, channel)) = triggers::channel_posts(event) {
                    batch.posts(event, owner, &channel).await?;
                }
            }
            batch.bursts().await?;
            let stored = batch.store().await?;
            if stored > 0 {
                tracing::debug!(notifications = stored, "notifications made");
            }
            Ok(())
        })
    }
}
