//! The mail aggregates' store: linked accounts, their folders and the synced messages,
//! implemented by each adapter's transaction type. Every read that serves a user takes that
//! user, so another user's account or message is simply not found.

use std::future::Future;

use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailFolder, MailMessageId, MessagePage, MessageQuery, StoredMessage,
};

use crate::StoreError;

/// Mail accounts, folders and messages. Folders and messages are written in batches: one call,
/// a fixed number of statements per batch whatever its size.
pub trait MailStore: Send {
    /// Saves an account: inserts it, or, when the user has already linked this provider
    /// account, updates that one (its address, name, status, progress, sync time and error)
    /// and keeps its id. Returns the stored account's id.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn save_mail_account(
        &mut self,
        account: &MailAccount,
    ) -> impl Future<Output = Result<MailAccountId, StoreError>> + Send;

    /// `user`'s account with this id; `None` when it is another user's or does not exist.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_account(
        &mut self,
        user: UserId,
        id: MailAccountId,
    ) -> impl Future<Output = Result<Option<MailAccount>, StoreError>> + Send;

    /// `user`'s accounts, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_accounts_of(
        &mut self,
        user: UserId,
    ) -> impl Future<Output = Result<Vec<MailAccount>, StoreError>> + Send;

    /// Inserts or updates folders by their account and provider id; a folder already stored
    /// keeps its id. Returns the stored folders, in the order given.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn upsert_mail_folders(
        &mut self,
        folders: &[MailFolder],
    ) -> impl Future<Output = Result<Vec<MailFolder>, StoreError>> + Send;

    /// Inserts or updates messages by their account and provider id, and sets each one's
    /// folders to those it lists. A message already stored keeps its id, and its bodies when
    /// the new one comes without. Returns the stored ids, in the order given.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn upsert_mail_messages(
        &mut self,
        messages: &[StoredMessage],
    ) -> impl Future<Output = Result<Vec<MailMessageId>, StoreError>> + Send;

    /// Removes the account's messages with these provider ids (and their folder links).
    /// Returns how many were removed.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn remove_mail_messages(
        &mut self,
        account: MailAccountId,
        provider_ids: &[String],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// A page of `user`'s messages of `query.account`, newest first (ties by id, descending);
    /// empty when the account is another user's.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_messages(
        &mut self,
        user: UserId,
        query: &MessageQuery,
    ) -> impl Future<Output = Result<MessagePage, StoreError>> + Send;

    /// `user`'s message with this id; `None` when it is another user's or does not exist.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_message(
        &mut self,
        user: UserId,
        id: MailMessageId,
    ) -> impl Future<Output = Result<Option<StoredMessage>, StoreError>> + Send;
}
