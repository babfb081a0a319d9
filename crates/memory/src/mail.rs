//! [`MemoryTx`] as the mail store. Its search (`q`) is a case-insensitive match of whole
//! words of the subject, the sender and the plain body, where PostgreSQL runs a full-text
//! search over the same fields.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailFolder, MailFolderId, MailMessageId, MessageBody, MessagePage,
    MessageQuery, MessageSummary, StoredMessage, ThreadPage, ThreadQuery, tree_order,
};
use switchboard_ports::{MailAccountStats, MailStore, StoreError, StoredThreadSummary};

use crate::MemoryTx;
use crate::mail_links::MailLinks;
use crate::mail_threads::threads;

/// The mail aggregates, as the in-memory store keeps them.
#[derive(Debug, Clone, Default)]
pub struct MailState {
    /// Accounts by id.
    pub accounts: BTreeMap<MailAccountId, MailAccount>,
    /// Folders by id.
    pub folders: BTreeMap<MailFolderId, MailFolder>,
    /// Messages by id.
    pub messages: BTreeMap<MailMessageId, StoredMessage>,
    /// Authorizations in flight, links waiting for completion, sign-ins by provider account.
    pub links: MailLinks,
    /// Stored top senders by account.
    pub stats: BTreeMap<MailAccountId, MailAccountStats>,
    /// Stored thread summaries by account and thread key.
    pub summaries: BTreeMap<(MailAccountId, String), StoredThreadSummary>,
    /// Writes to each account's mail, counted (see `MailStore::mail_version`).
    pub versions: BTreeMap<MailAccountId, u64>,
}

impl MailState {
    pub(crate) fn owns(&self, user: UserId, account: MailAccountId) -> bool {
        self.accounts.get(&account).is_some_and(|a| a.user_id == user)
    }

    /// Records a write to `account`'s mail.
    fn changed(&mut self, account: MailAccountId) {
        *self.versions.entry(account).or_default() += 1;
    }
}

/// Whether `message` passes the query's filters. `q` here matches when every word of it is,
/// ignoring case, a whole word of the subject, the sender or the plain body: PostgreSQL's
/// full-text search without its stemming or operators.
fn matches(message: &StoredMessage, query: &MessageQuery) -> bool {
    let before_cursor =
        query.after.is_none_or(|c| (message.received_at, message.id) < (c.received_at, c.id));
    before_cursor
        && message.account_id == query.account
        && query.folder.is_none_or(|f| message.folder_ids.contains(&f))
        && query.thread.as_ref().is_none_or(|t| *t == message.thread_key)
        && query.from.as_deref().is_none_or(|from| sent_by(message, from))
        && query.unread.is_none_or(|u| u == message.unread)
        && query.has_attachments.is_none_or(|h| h == message.has_attachments)
        && query.since.is_none_or(|s| message.received_at >= s)
        && query.until.is_none_or(|u| message.received_at < u)
        && query.q.as_deref().is_none_or(|q| has_words(message, q))
}

/// Whether `message` is from `address`, ignoring case as PostgreSQL's `lower()` does.
fn sent_by(message: &StoredMessage, address: &str) -> bool {
    message.from.as_ref().is_some_and(|f| f.address.to_lowercase() == address.to_lowercase())
}

fn has_words(message: &StoredMessage, q: &str) -> bool {
    let from = message.from.as_ref();
    let fields = [
        Some(message.subject.as_str()),
        from.and_then(|f| f.name.as_deref()),
        from.map(|f| f.address.as_str()),
        message.body.as_ref().and_then(|b| b.text.as_deref()),
    ];
    crate::words::has_words(fields.into_iter().flatten(), q)
}

impl MailStore for MemoryTx {
    async fn save_mail_account(
        &mut self,
        account: &MailAccount,
    ) -> Result<MailAccountId, StoreError> {
        let accounts = &mut self.state.mail.accounts;
        let linked = accounts.values_mut().find(|a| {
            a.user_id == account.user_id
                && a.provider == account.provider
                && a.provider_account_id == account.provider_account_id
        });
        if let Some(stored) = linked {
            *stored =
                MailAccount { id: stored.id, created_at: stored.created_at, ..account.clone() };
            return Ok(stored.id);
        }
        accounts.insert(account.id, account.clone());
        Ok(account.id)
    }

    async fn mail_account(
        &mut self,
        user: UserId,
        id: MailAccountId,
    ) -> Result<Option<MailAccount>, StoreError> {
        Ok(self.state.mail.accounts.get(&id).filter(|a| a.user_id == user).cloned())
    }

    async fn mail_version(
        &mut self,
        owner: UserId,
        account: MailAccountId,
    ) -> Result<Option<u64>, StoreError> {
        let mail = &self.state.mail;
        let version = mail.versions.get(&account).copied().unwrap_or(0);
        Ok(mail.owns(owner, account).then_some(version))
    }

    async fn mail_accounts_of(&mut self, user: UserId) -> Result<Vec<MailAccount>, StoreError> {
        let accounts = self.state.mail.accounts.values();
        let mut found: Vec<MailAccount> = accounts.filter(|a| a.user_id == user).cloned().collect();
        found.sort_by_key(|a| (a.created_at, a.id));
        Ok(found)
    }

    async fn upsert_mail_folders(
        &mut self,
        folders: &[MailFolder],
    ) -> Result<Vec<MailFolder>, StoreError> {
        let stored = &mut self.state.mail.folders;
        let mut saved = Vec::with_capacity(folders.len());
        for folder in folders {
            let known = stored
                .values()
                .find(|f| f.account_id == folder.account_id && f.provider_id == folder.provider_id)
                .map(|f| f.id);
            let folder = MailFolder { id: known.unwrap_or(folder.id), ..folder.clone() };
            stored.insert(folder.id, folder.clone());
            saved.push(folder);
        }
        Ok(saved)
    }

    async fn upsert_mail_messages(
        &mut self,
        messages: &[StoredMessage],
    ) -> Result<Vec<MailMessageId>, StoreError> {
        let mail = &mut self.state.mail;
        let mut ids = Vec::with_capacity(messages.len());
        for message in messages {
            let found = mail.messages.values().find(|m| {
                m.account_id == message.account_id && m.provider_id == message.provider_id
            });
            let known = found.map(|m| (m.id, m.body.clone(), m.attachments.clone()));
            // Stored or written over, as PostgreSQL's update does even with nothing new.
            mail.changed(message.account_id);
            let (id, body, attachments) = match known {
                Some((id, body, attachments)) => {
                    // A listing says whether there are attachments without describing them:
                    // keep what a full read stored.
                    let keep = message.has_attachments && message.attachments.is_empty();
                    let attachments = if keep { attachments } else { message.attachments.clone() };
                    (id, merged_body(message.body.clone(), body), attachments)
                }
                None => (message.id, message.body.clone(), message.attachments.clone()),
            };
            mail.messages.insert(id, StoredMessage { id, body, attachments, ..message.clone() });
            ids.push(id);
        }
        Ok(ids)
    }

    async fn remove_mail_messages(
        &mut self,
        account: MailAccountId,
        provider_ids: &[String],
    ) -> Result<u64, StoreError> {
        let mail = &mut self.state.mail;
        let before = mail.messages.len();
        mail.messages
            .retain(|_, m| m.account_id != account || !provider_ids.contains(&m.provider_id));
        let removed = before - mail.messages.len();
        if removed > 0 {
            mail.changed(account);
        }
        Ok(u64::try_from(removed).unwrap_or(u64::MAX))
    }

    async fn mail_messages(
        &mut self,
        user: UserId,
        query: &MessageQuery,
    ) -> Result<MessagePage, StoreError> {
        let mail = &self.state.mail;
        if !mail.owns(user, query.account) {
            return Ok(MessagePage { messages: Vec::new(), next: None });
        }
        let mut found: Vec<MessageSummary> = mail
            .messages
            .values()
            .filter(|m| matches(m, query))
            .map(MessageSummary::from)
            .collect();
        found.sort_by_key(|m| std::cmp::Reverse((m.received_at, m.id)));
        found.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX).saturating_add(1));
        Ok(MessagePage::from_fetched(found, query.limit))
    }

    async fn mail_message(
        &mut self,
        user: UserId,
        id: MailMessageId,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let mail = &self.state.mail;
        let found = mail.messages.get(&id).filter(|m| mail.owns(user, m.account_id));
        Ok(found.cloned())
    }

    async fn mail_messages_by_ids(
        &mut self,
        account: MailAccountId,
        ids: &[MailMessageId],
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let messages = &self.state.mail.messages;
        Ok(ids
            .iter()
            .filter_map(|id| messages.get(id))
            .filter(|m| m.account_id == account)
            .cloned()
            .collect())
    }

    async fn mail_messages_by_provider_ids(
        &mut self,
        account: MailAccountId,
        provider_ids: &[String],
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let wanted: std::collections::HashSet<&str> =
            provider_ids.iter().map(String::as_str).collect();
        let messages = self.state.mail.messages.values();
        Ok(messages
            .filter(|m| m.account_id == account && wanted.contains(m.provider_id.as_str()))
            .cloned()
            .collect())
    }

    async fn mail_provider_ids_since(
        &mut self,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        since: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let messages = self.state.mail.messages.values();
        Ok(messages
            .filter(|m| m.account_id == account && m.received_at >= since)
            .filter(|m| folder.is_none_or(|f| m.folder_ids.contains(&f)))
            .map(|m| m.provider_id.clone())
            .collect())
    }

    async fn mail_account_by_id(
        &mut self,
        id: MailAccountId,
    ) -> Result<Option<MailAccount>, StoreError> {
        Ok(self.state.mail.accounts.get(&id).cloned())
    }

    async fn lock_mail_account(
        &mut self,
        id: MailAccountId,
    ) -> Result<Option<MailAccount>, StoreError> {
        // Transactions here run one at a time: holding this one is the lock.
        Ok(self.state.mail.accounts.get(&id).cloned())
    }

    async fn mail_accounts_to_sync(
        &mut self,
        limit: u32,
    ) -> Result<Vec<MailAccountId>, StoreError> {
        let mut due: Vec<&MailAccount> =
            self.state.mail.accounts.values().filter(|a| a.status.can_sync()).collect();
        // Never synced first (`None` sorts before `Some`), then the oldest sync.
        due.sort_by_key(|a| (a.last_sync_at, a.id));
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(due.into_iter().take(limit).map(|a| a.id).collect())
    }

    async fn delete_mail_account(
        &mut self,
        user: UserId,
        id: MailAccountId,
    ) -> Result<bool, StoreError> {
        let mail = &mut self.state.mail;
        if !mail.owns(user, id) {
            return Ok(false);
        }
        mail.accounts.remove(&id);
        mail.folders.retain(|_, f| f.account_id != id);
        mail.messages.retain(|_, m| m.account_id != id);
        mail.stats.remove(&id);
        mail.summaries.retain(|(account, _), _| *account != id);
        mail.versions.remove(&id);
        self.state.identity.sealed.remove(&id.as_uuid());
        Ok(true)
    }

    async fn mail_folders(
        &mut self,
        account: MailAccountId,
    ) -> Result<Vec<MailFolder>, StoreError> {
        let folders = self.state.mail.folders.values();
        Ok(tree_order(folders.filter(|f| f.account_id == account).cloned().collect()))
    }

    async fn set_mail_folder_cursor(
        &mut self,
        folder: MailFolderId,
        cursor: Option<&str>,
    ) -> Result<(), StoreError> {
        if let Some(folder) = self.state.mail.folders.get_mut(&folder) {
            folder.sync_cursor = cursor.map(str::to_owned);
        }
        Ok(())
    }

    async fn retain_mail_folders(
        &mut self,
        account: MailAccountId,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        let mail = &mut self.state.mail;
        let gone: Vec<MailFolderId> = mail
            .folders
            .values()
            .filter(|f| f.account_id == account && !keep.contains(&f.provider_id))
            .map(|f| f.id)
            .collect();
        for id in &gone {
            mail.folders.remove(id);
        }
        for message in mail.messages.values_mut().filter(|m| m.account_id == account) {
            message.folder_ids.retain(|f| !gone.contains(f));
        }
        if !gone.is_empty() {
            mail.changed(account);
        }
        Ok(u64::try_from(gone.len()).unwrap_or(u64::MAX))
    }

    async fn count_mail_messages(&mut self, account: MailAccountId) -> Result<u64, StoreError> {
        let count = self.state.mail.messages.values().filter(|m| m.account_id == account).count();
        Ok(u64::try_from(count).unwrap_or(u64::MAX))
    }

    async fn mail_threads(
        &mut self,
        user: UserId,
        query: &ThreadQuery,
    ) -> Result<ThreadPage, StoreError> {
        let mail = &self.state.mail;
        if !mail.owns(user, query.account) {
            return Ok(ThreadPage { threads: Vec::new(), next: None });
        }
        let of_account = mail.messages.values().filter(|m| m.account_id == query.account);
        Ok(threads(of_account, query))
    }

    async fn mail_thread(
        &mut self,
        user: UserId,
        account: Option<MailAccountId>,
        thread_key: &str,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let mail = &self.state.mail;
        let mut found: Vec<StoredMessage> = mail
            .messages
            .values()
            .filter(|m| m.thread_key == thread_key && mail.owns(user, m.account_id))
            .filter(|m| account.is_none_or(|a| a == m.account_id))
            .cloned()
            .collect();
        found.sort_by_key(|m| (m.received_at, m.id));
        found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(found)
    }
}

/// A body written over a stored one keeps each part the new one comes without (a listing brings
/// the plain text, opening the message the HTML), as PostgreSQL's `coalesce` per column does.
fn merged_body(new: Option<MessageBody>, stored: Option<MessageBody>) -> Option<MessageBody> {
    match (new, stored) {
        (Some(new), Some(stored)) => {
            Some(MessageBody { text: new.text.or(stored.text), html: new.html.or(stored.html) })
        }
        (new, stored) => new.or(stored),
    }
}
