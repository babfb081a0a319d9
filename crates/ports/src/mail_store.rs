//! The mail aggregates' store: linked accounts, their folders and the synced messages,
//! implemented by each adapter's transaction type. Every read that serves a user takes that
//! user, so another user's account or message is simply not found.

use std::future::Future;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailFolder, MailFolderId, MailMessageId, MailProvider, MessagePage,
    MessageQuery, StoredMessage, ThreadPage, ThreadQuery,
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

    /// A number that changes whenever anything a read of `owner`'s `account` shows may have
    /// changed: a message stored, changed (read state, subject, body…), refiled or removed, a
    /// folder removed. `None` when the account is not `owner`'s. Reading it reads none of the
    /// mail: equal numbers mean the account's messages, threads and hourly counts are as they
    /// were, so an answer computed after reading the number can be served again while it stays
    /// the same.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_version(
        &mut self,
        owner: UserId,
        account: MailAccountId,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// `user`'s message with this id; `None` when it is another user's or does not exist.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_message(
        &mut self,
        user: UserId,
        id: MailMessageId,
    ) -> impl Future<Output = Result<Option<StoredMessage>, StoreError>> + Send;

    /// The stored messages of `account` among `ids`, in full (in no order; ids not stored or
    /// of another account are left out), for analyses that read bodies of a page's messages.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_messages_by_ids(
        &mut self,
        account: MailAccountId,
        ids: &[MailMessageId],
    ) -> impl Future<Output = Result<Vec<StoredMessage>, StoreError>> + Send;

    /// The stored messages of `account` among `provider_ids` (in no order; ids not stored are
    /// left out), for a sync to tell new messages from changed and unchanged ones.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_messages_by_provider_ids(
        &mut self,
        account: MailAccountId,
        provider_ids: &[String],
    ) -> impl Future<Output = Result<Vec<StoredMessage>, StoreError>> + Send;

    /// The provider ids of `account`'s stored messages received at or after `since`, only
    /// those in `folder` when given: what a sync reading the window again compares with
    /// what the provider listed, to find the messages deleted while it could not follow.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_provider_ids_since(
        &mut self,
        account: MailAccountId,
        folder: Option<MailFolderId>,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// An account by id alone, for background jobs (never to answer a user: use
    /// [`MailStore::mail_account`]).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_account_by_id(
        &mut self,
        id: MailAccountId,
    ) -> impl Future<Output = Result<Option<MailAccount>, StoreError>> + Send;

    /// An account by id, locked until the transaction ends (`SELECT … FOR UPDATE`): one token
    /// refresh at a time per account, across processes.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn lock_mail_account(
        &mut self,
        id: MailAccountId,
    ) -> impl Future<Output = Result<Option<MailAccount>, StoreError>> + Send;

    /// The ids of every account that can sync (status not `reauth_required`), oldest sync
    /// first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_accounts_to_sync(
        &mut self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<MailAccountId>, StoreError>> + Send;

    /// Deletes one of `user`'s accounts with its folders, messages and sealed tokens (the
    /// sealed secret whose id is the account's). `false` when it is not theirs or not there.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delete_mail_account(
        &mut self,
        user: UserId,
        id: MailAccountId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// An account's folders, parents before children, then by name.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_folders(
        &mut self,
        account: MailAccountId,
    ) -> impl Future<Output = Result<Vec<MailFolder>, StoreError>> + Send;

    /// Sets where a folder's next incremental sync starts (`None`: from the window again).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn set_mail_folder_cursor(
        &mut self,
        folder: MailFolderId,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes an account's folders that are not in `keep` (provider ids), with their links to
    /// messages. Returns how many were deleted.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn retain_mail_folders(
        &mut self,
        account: MailAccountId,
        keep: &[String],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// How many messages an account has stored.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn count_mail_messages(
        &mut self,
        account: MailAccountId,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// A page of one of `user`'s accounts' threads, newest activity first (empty when the
    /// account is not theirs).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_threads(
        &mut self,
        user: UserId,
        query: &ThreadQuery,
    ) -> impl Future<Output = Result<ThreadPage, StoreError>> + Send;

    /// Every stored message of one of `user`'s threads, oldest first, at most `limit`.
    /// `account` narrows it to one account (a thread key is the provider's, unique per
    /// mailbox).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn mail_thread(
        &mut self,
        user: UserId,
        account: Option<MailAccountId>,
        thread_key: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredMessage>, StoreError>> + Send;
}

/// A mailbox authorization in flight: the `state` sent to the provider, bound to the user who
/// started it and to their browser, with the PKCE verifier (sealed) the code exchange needs.
/// Only SHA-256 hashes of the state and the browser's nonce are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLinkState {
    /// SHA-256 of the `state`.
    pub state_hash: Vec<u8>,
    /// Who started it.
    pub user_id: UserId,
    /// SHA-256 of the starting browser's nonce.
    pub binding_hash: Vec<u8>,
    /// The provider.
    pub provider: MailProvider,
    /// The address the user gave (`login_hint`).
    pub login_hint: String,
    /// The client's own redirect URI (from the allowlist), where the callback sends the
    /// browser back; `None`: the callback answers JSON.
    pub return_to: Option<String>,
    /// The PKCE verifier, sealed by the secret box (associated data: the state hash).
    pub sealed_verifier: Vec<u8>,
    /// The secret box key that sealed it.
    pub key_id: String,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// A link the callback could not complete itself (the browser that came back is not known
/// to be the starter's): the granted tokens and mailbox identity, sealed, waiting for the
/// starter's signed-in client to present the one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMailLink {
    /// SHA-256 of the one-time code.
    pub code_hash: Vec<u8>,
    /// The user who started the authorization: the only one who can complete it.
    pub user_id: UserId,
    /// The provider.
    pub provider: MailProvider,
    /// The tokens and identity, sealed (associated data: the code hash).
    pub sealed: Vec<u8>,
    /// The secret box key that sealed it.
    pub key_id: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When the code stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Mailbox authorizations in flight and links waiting for completion. Each is taken once,
/// atomically; expired ones are removed as new ones are inserted.
pub trait MailLinkStore: Send {
    /// Stores a started authorization, removing expired ones.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_mail_link_state(
        &mut self,
        state: &MailLinkState,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes (deletes and returns) the authorization with this state hash.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn take_mail_link_state(
        &mut self,
        state_hash: &[u8],
    ) -> impl Future<Output = Result<Option<MailLinkState>, StoreError>> + Send;

    /// Stores a link waiting for completion, removing expired ones.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_pending_mail_link(
        &mut self,
        link: &PendingMailLink,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes (deletes and returns) the pending link with this code hash.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn take_pending_mail_link(
        &mut self,
        code_hash: &[u8],
    ) -> impl Future<Output = Result<Option<PendingMailLink>, StoreError>> + Send;

    /// The Switchboard user signed in before by the provider account `subject` of `issuer`
    /// (for Microsoft: issuer `microsoft`, subject the tenant and object ids), if any.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn external_login_user(
        &mut self,
        issuer: &str,
        subject: &str,
    ) -> impl Future<Output = Result<Option<UserId>, StoreError>> + Send;

    /// Records that `subject` of `issuer` signs in as `user`. A subject already recorded is a
    /// [`StoreError::Conflict`].
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_external_login(
        &mut self,
        issuer: &str,
        subject: &str,
        user: UserId,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
