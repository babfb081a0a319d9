//! The mail store: [`crate::PgTx`] as linked mail accounts, their folders and messages.
//! Folders and messages are written with one multi-row `INSERT … ON CONFLICT DO UPDATE` per
//! chunk, and a page of messages is read with its folder links in two statements.

mod accounts;
mod filters;
mod folders;
mod links;
mod messages;
mod rows;
mod search;
mod threads;

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailFolder, MailFolderId, MailMessageId, MessagePage, MessageQuery,
    StoredMessage, ThreadPage, ThreadQuery,
};
use switchboard_ports::{MailStore, StoreError};

use crate::PgTx;

impl MailStore for PgTx {
    async fn save_mail_account(
        &mut self,
        account: &MailAccount,
    ) -> Result<MailAccountId, StoreError> {
        accounts::save(self, account).await
    }

    async fn mail_account(
        &mut self,
        user: UserId,
        id: MailAccountId,
    ) -> Result<Option<MailAccount>, StoreError> {
        accounts::of_user_by_id(self, user, id).await
    }

    async fn mail_version(
        &mut self,
        owner: UserId,
        account: MailAccountId,
    ) -> Result<Option<u64>, StoreError> {
        accounts::version(self, owner, account).await
    }

    async fn mail_accounts_of(&mut self, user: UserId) -> Result<Vec<MailAccount>, StoreError> {
        accounts::of_user(self, user).await
    }

    async fn upsert_mail_folders(
        &mut self,
        folders: &[MailFolder],
    ) -> Result<Vec<MailFolder>, StoreError> {
        folders::upsert(self, folders).await
    }

    async fn upsert_mail_messages(
        &mut self,
        messages: &[StoredMessage],
    ) -> Result<Vec<MailMessageId>, StoreError> {
        messages::upsert(self, messages).await
    }

    async fn remove_mail_messages(
        &mut self,
        account: MailAccountId,
        provider_ids: &[String],
    ) -> Result<u64, StoreError> {
        messages::remove(self, account, provider_ids).await
    }

    async fn mail_messages(
        &mut self,
        user: UserId,
        query: &MessageQuery,
    ) -> Result<MessagePage, StoreError> {
        messages::page(self, user, query).await
    }

    async fn mail_message(
        &mut self,
        user: UserId,
        id: MailMessageId,
    ) -> Result<Option<StoredMessage>, StoreError> {
        messages::of_user_by_id(self, user, id).await
    }

    async fn mail_messages_by_ids(
        &mut self,
        account: MailAccountId,
        ids: &[MailMessageId],
    ) -> Result<Vec<StoredMessage>, StoreError> {
        messages::by_ids(self, account, ids).await
    }

    async fn mail_messages_by_provider_ids(
        &mut self,
        account: MailAccountId,
        provider_ids: &[String],
    ) -> Result<Vec<StoredMessage>, StoreError> {
        messages::by_provider_ids(self, account, provider_ids).await
    }

    async fn mail_provider_ids_since(
        &mut self,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        since: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        messages::provider_ids_since(self, account, folder, since).await
    }

    async fn mail_account_by_id(
        &mut self,
        id: MailAccountId,
    ) -> Result<Option<MailAccount>, StoreError> {
        accounts::by_id(self, id, false).await
    }

    async fn lock_mail_account(
        &mut self,
        id: MailAccountId,
    ) -> Result<Option<MailAccount>, StoreError> {
        accounts::by_id(self, id, true).await
    }

    async fn mail_accounts_to_sync(
        &mut self,
        limit: u32,
    ) -> Result<Vec<MailAccountId>, StoreError> {
        accounts::to_sync(self, limit).await
    }

    async fn delete_mail_account(
        &mut self,
        user: UserId,
        id: MailAccountId,
    ) -> Result<bool, StoreError> {
        accounts::delete(self, user, id).await
    }

    async fn mail_folders(
        &mut self,
        account: MailAccountId,
    ) -> Result<Vec<MailFolder>, StoreError> {
        folders::of_account(self, account).await
    }

    async fn set_mail_folder_cursor(
        &mut self,
        folder: MailFolderId,
        cursor: Option<&str>,
    ) -> Result<(), StoreError> {
        folders::set_cursor(self, folder, cursor).await
    }

    async fn retain_mail_folders(
        &mut self,
        account: MailAccountId,
        keep: &[String],
    ) -> Result<u64, StoreError> {
        folders::retain(self, account, keep).await
    }

    async fn count_mail_messages(&mut self, account: MailAccountId) -> Result<u64, StoreError> {
        messages::count(self, account).await
    }

    async fn mail_threads(
        &mut self,
        user: UserId,
        query: &ThreadQuery,
    ) -> Result<ThreadPage, StoreError> {
        threads::page(self, user, query).await
    }

    async fn mail_thread(
        &mut self,
        user: UserId,
        account: Option<MailAccountId>,
        thread_key: &str,
        limit: u32,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        messages::thread(self, user, account, thread_key, limit).await
    }
}

/// The last of each key in `items`, in their order: one `INSERT … ON CONFLICT DO UPDATE` may
/// not touch a row twice, and the last listing of a folder or message is its latest state.
fn last_of<'a, T, K: Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<&'a T> {
    let mut last: HashMap<K, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        last.insert(key(item), i);
    }
    let mut keep: Vec<usize> = last.into_values().collect();
    keep.sort_unstable();
    keep.into_iter().filter_map(|i| items.get(i)).collect()
}
