//! Writing one page of a sync round: upserts, removals and the events of what actually
//! changed, with the progress and, on a round's last page, the folder's cursor, in one
//! transaction.
//!
//! What is stored under the page's provider ids is read first, in the same transaction (one
//! query), to tell new messages from changed and unchanged ones: only new and changed ones are
//! written and recorded, so a re-run of a page writes and records nothing.

use std::collections::{HashMap, HashSet};

use switchboard_domain::NewEvent;
use switchboard_domain::mail::{
    MailAccount, MailFolderId, MailMessageId, ProviderMessage, StoredMessage, SyncProgress,
};
use switchboard_ports::{MailStore, Ports, Transaction, UnitOfWork};

use super::{MailService, MailServiceError};

/// The event log's name for messages.
pub(super) const MESSAGE_MODEL: &str = StoredMessage::EVENT_MODEL;

/// What a page (or a sync) changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) created: u64,
    pub(super) changed: u64,
    pub(super) deleted: u64,
}

impl Counts {
    /// Both counts added.
    pub(super) fn plus(self, other: Self) -> Self {
        Self {
            created: self.created + other.created,
            changed: self.changed + other.changed,
            deleted: self.deleted + other.deleted,
        }
    }
}

/// One page to write.
pub(super) struct Page<'a> {
    /// The account.
    pub(super) account: &'a MailAccount,
    /// Provider folder ids to ours.
    pub(super) folders: &'a HashMap<String, MailFolderId>,
    /// Messages new or changed.
    pub(super) upserted: Vec<ProviderMessage>,
    /// Provider ids removed, each with the folder whose round removed it when cursors are
    /// per folder: a removal then means "not in this folder any more", and a message stored
    /// in another folder by now (moved there) is kept.
    pub(super) removed: Vec<(Option<MailFolderId>, String)>,
    /// The window's total, when every folder counts its messages.
    pub(super) total: Option<u64>,
    /// Folders' cursors to store with this page (their rounds are complete with it).
    pub(super) cursors: Vec<(MailFolderId, String)>,
}

/// `message` as stored for `account`, with a fresh id (kept only if it is new).
pub(super) fn stored(
    account: &MailAccount,
    folders: &HashMap<String, MailFolderId>,
    message: ProviderMessage,
) -> StoredMessage {
    StoredMessage {
        id: MailMessageId::new(),
        account_id: account.id,
        folder_ids: message.folder_ids.iter().filter_map(|f| folders.get(f).copied()).collect(),
        provider_id: message.id,
        thread_key: message.thread_id,
        subject: message.subject,
        from: message.from,
        to: message.to,
        cc: message.cc,
        received_at: message.received_at,
        sent_at: message.sent_at,
        unread: message.unread,
        has_attachments: message.has_attachments,
        snippet: message.snippet,
        internet_message_id: message.internet_message_id,
        body: message.body,
        attachments: message.attachments,
    }
}

/// The listed attributes that differ between `old` and `new`, with both values. Bodies and
/// attachments are not listed by a sync page, so they are not compared.
pub(super) fn differences(
    old: &StoredMessage,
    new: &StoredMessage,
) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    let view = |m: &StoredMessage| {
        let mut m = StoredMessage { body: None, attachments: Vec::new(), id: old.id, ..m.clone() };
        m.folder_ids.sort_unstable();
        m.folder_ids.dedup();
        match serde_json::to_value(m) {
            Ok(serde_json::Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        }
    };
    let (before, after) = (view(old), view(new));
    after
        .into_iter()
        .filter_map(|(name, value)| {
            let was = before.get(&name).cloned().unwrap_or_default();
            (was != value).then_some((name, was, value))
        })
        .collect()
}

impl<P: Ports> MailService<P> {
    /// Writes one page (see the module).
    ///
    /// # Errors
    /// A failure of the store.
    pub(super) async fn write_page(&self, page: Page<'_>) -> Result<Counts, MailServiceError> {
        let account = page.account.clone();
        // The provider may list a message twice in a page: the last listing wins.
        let mut seen = HashSet::new();
        let mut messages: Vec<StoredMessage> = page
            .upserted
            .into_iter()
            .rev()
            .map(|m| stored(&account, page.folders, m))
            .filter(|m| seen.insert(m.provider_id.clone()))
            .collect();
        messages.reverse();
        let removed: Vec<(Option<MailFolderId>, String)> =
            page.removed.into_iter().filter(|(_, id)| seen.insert(id.clone())).collect();
        let listed: Vec<String> = seen.into_iter().collect();
        let (total, cursors) = (page.total, page.cursors);
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let owner = Some(account.user_id);
                    let old: HashMap<String, StoredMessage> = tx
                        .mail_messages_by_provider_ids(account.id, &listed)
                        .await?
                        .into_iter()
                        .map(|m| (m.provider_id.clone(), m))
                        .collect();
                    let mut counts = Counts::default();
                    let mut events = Vec::new();
                    let mut writes = Vec::with_capacity(messages.len());
                    for message in messages {
                        match old.get(&message.provider_id) {
                            None => {
                                counts.created += 1;
                                let oid = message.id.to_string();
                                let snapshot = serde_json::to_value(&message).unwrap_or_default();
                                events.push(NewEvent::added(MESSAGE_MODEL, oid, snapshot));
                                writes.push(message);
                            }
                            Some(before) => {
                                let changes = differences(before, &message);
                                let new_text = message.body.as_ref().and_then(|b| b.text.as_ref());
                                let old_text = before.body.as_ref().and_then(|b| b.text.as_ref());
                                if changes.is_empty()
                                    && (new_text.is_none() || new_text == old_text)
                                {
                                    continue;
                                }
                                counts.changed += u64::from(!changes.is_empty());
                                let oid = before.id.to_string();
                                events.extend(changes.into_iter().map(|(name, was, now)| {
                                    NewEvent::changed(MESSAGE_MODEL, oid.clone(), &name, was, now)
                                }));
                                writes.push(StoredMessage { id: before.id, ..message });
                            }
                        }
                    }
                    if !writes.is_empty() {
                        tx.upsert_mail_messages(&writes).await?;
                    }
                    let gone: Vec<&StoredMessage> = removed
                        .iter()
                        .filter_map(|(folder, id)| Some((*folder, old.get(id)?)))
                        .filter(|(folder, m)| {
                            folder.is_none_or(|f| {
                                m.folder_ids.is_empty() || m.folder_ids.contains(&f)
                            })
                        })
                        .map(|(_, m)| m)
                        .collect();
                    let gone_ids: Vec<String> =
                        gone.iter().map(|m| m.provider_id.clone()).collect();
                    if !gone_ids.is_empty() {
                        counts.deleted += tx.remove_mail_messages(account.id, &gone_ids).await?;
                        events.extend(
                            gone.iter().map(|m| NewEvent::deleted(MESSAGE_MODEL, m.id.to_string())),
                        );
                    }
                    let events: Vec<NewEvent> =
                        events.into_iter().map(|e| e.owned_by(owner)).collect();
                    if !events.is_empty() {
                        tx.append_events(events).await?;
                    }
                    let stored = tx.count_mail_messages(account.id).await?;
                    if let Some(mut current) = tx.mail_account_by_id(account.id).await? {
                        // After a first complete sync, the window is what is stored.
                        let total =
                            if current.last_sync_at.is_some() { Some(stored) } else { total };
                        current.progress = SyncProgress { stored, total };
                        tx.save_mail_account(&current).await?;
                    }
                    for (folder, cursor) in cursors {
                        tx.set_mail_folder_cursor(folder, Some(&cursor)).await?;
                    }
                    Ok::<_, MailServiceError>(counts)
                })
            })
            .await
    }
}
