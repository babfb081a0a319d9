//! Reading the caller's mail: accounts, folders, message pages, one message in full (its
//! body and attachments' metadata fetched from the provider the first time), threads, and
//! attachments streamed from the provider. Every read takes the caller: another user's ids
//! are not found.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::{Stream, StreamExt};
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccount, MailAccountId, MailFolder, MailFolderId, MailMessageId, MessagePage, MessageQuery,
    StoredMessage, ThreadPage, ThreadQuery,
};
use switchboard_ports::mail::{MailError, MailSource};
use switchboard_ports::{MailStore, Ports, UnitOfWork};

use super::kept::{KeptPage, PageQuery};
use super::sync_page::stored;
use super::{MailService, MailServiceError};
use crate::identity::Principal;
use crate::kept_pages::Versioned;

/// Most messages a thread answers.
const THREAD_LIMIT: u32 = 500;

/// An attachment's content, chunk by chunk, as the provider sends it.
pub type AttachmentChunks = Pin<Box<dyn Stream<Item = Result<Vec<u8>, MailServiceError>> + Send>>;

/// An attachment on its way from the provider: never held whole in memory.
pub struct AttachmentDownload {
    /// The file name.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// Its length in bytes, when the provider says.
    pub length: Option<u64>,
    /// The content.
    pub chunks: AttachmentChunks,
}

impl std::fmt::Debug for AttachmentDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentDownload")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl<P: Ports> MailService<P> {
    /// The caller's accounts, oldest first.
    ///
    /// # Errors
    /// A failure of the store.
    pub async fn accounts(&self, caller: &Principal) -> Result<Vec<MailAccount>, MailServiceError> {
        let owner = caller.user_id;
        self.uow
            .read(move |tx| Box::pin(async move { Ok(tx.mail_accounts_of(owner).await?) }))
            .await
    }

    /// One of the caller's accounts.
    ///
    /// # Errors
    /// [`MailServiceError::AccountNotFound`] when it is not theirs.
    pub async fn account(
        &self,
        caller: &Principal,
        id: MailAccountId,
    ) -> Result<MailAccount, MailServiceError> {
        let owner = caller.user_id;
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    tx.mail_account(owner, id).await?.ok_or(MailServiceError::AccountNotFound)
                })
            })
            .await
    }

    /// The folders of one of the caller's accounts, parents first.
    ///
    /// # Errors
    /// [`MailServiceError::AccountNotFound`] when it is not theirs.
    pub async fn folders(
        &self,
        caller: &Principal,
        account: MailAccountId,
    ) -> Result<Vec<MailFolder>, MailServiceError> {
        let owner = caller.user_id;
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    tx.mail_account(owner, account)
                        .await?
                        .ok_or(MailServiceError::AccountNotFound)?;
                    Ok(tx.mail_folders(account).await?)
                })
            })
            .await
    }

    /// A page of one of the caller's accounts' messages, newest first (the HTTP layer checks
    /// the limit). A page read since the account's mail last changed is served again without
    /// reading it.
    ///
    /// # Errors
    /// [`MailServiceError::AccountNotFound`] when the account is not theirs;
    /// [`MailServiceError::FolderNotFound`] for a folder not of that account.
    pub async fn messages(
        &self,
        caller: &Principal,
        query: MessageQuery,
    ) -> Result<MessagePage, MailServiceError> {
        Ok(Arc::unwrap_or_clone(self.versioned_messages(caller, query).await?.page))
    }

    /// [`Self::messages`], with the version of the account's mail it was read at.
    ///
    /// # Errors
    /// As [`Self::messages`].
    pub async fn versioned_messages(
        &self,
        caller: &Principal,
        query: MessageQuery,
    ) -> Result<Versioned<MessagePage>, MailServiceError> {
        let (owner, account) = (caller.user_id, query.account);
        let key = PageQuery::Messages(query.clone());
        self.kept_page(owner, account, key, || self.read_messages(owner, query)).await
    }

    /// The page kept for `key` at the version of `owner`'s `account`'s mail, or the page
    /// `read` and kept.
    async fn kept_page<T: KeptPage, R>(
        &self,
        owner: UserId,
        account: MailAccountId,
        key: PageQuery,
        read: impl FnOnce() -> R,
    ) -> Result<Versioned<T>, MailServiceError>
    where
        R: Future<Output = Result<T, MailServiceError>>,
    {
        let Some(pages) = &self.pages else {
            return Ok(Versioned { version: None, page: Arc::new(read().await?) });
        };
        let version = self.mail_version(owner, account).await?;
        if let Some(page) = pages.get(&key, version).and_then(T::kept) {
            return Ok(Versioned { version: Some(version), page });
        }
        let page = Arc::new(read().await?);
        pages.put(key, version, T::keep(Arc::clone(&page)));
        Ok(Versioned { version: Some(version), page })
    }

    /// The version of `owner`'s `account`'s mail (see [`MailStore::mail_version`]).
    async fn mail_version(
        &self,
        owner: UserId,
        account: MailAccountId,
    ) -> Result<u64, MailServiceError> {
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, MailServiceError>(tx.mail_version(owner, account).await?)
                })
            })
            .await?
            .ok_or(MailServiceError::AccountNotFound)
    }

    /// A page of `owner`'s messages, read from the store.
    async fn read_messages(
        &self,
        owner: UserId,
        query: MessageQuery,
    ) -> Result<MessagePage, MailServiceError> {
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    let page = tx.mail_messages(owner, &query).await?;
                    if page.messages.is_empty() {
                        // The page reads only the owner's messages of that account (and
                        // folder): only an empty one can hide an account or folder that is not
                        // theirs, so only then do the two checks cost their queries.
                        tx.mail_account(owner, query.account)
                            .await?
                            .ok_or(MailServiceError::AccountNotFound)?;
                        check_folder(tx, query.account, query.folder).await?;
                    }
                    Ok(page)
                })
            })
            .await
    }

    /// One of the caller's messages in full. The first time it is read (no HTML body stored, or
    /// attachments without their metadata), it is fetched from the provider and stored.
    ///
    /// # Errors
    /// [`MailServiceError::MessageNotFound`] when it is not theirs (or the provider no longer
    /// has it); the provider's failure.
    pub async fn message(
        &self,
        caller: &Principal,
        id: MailMessageId,
    ) -> Result<StoredMessage, MailServiceError> {
        let owner = caller.user_id;
        let (message, account, folders) = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    let message = tx.mail_message(owner, id).await?;
                    let message = message.ok_or(MailServiceError::MessageNotFound)?;
                    // A sync stores the plain-text body; the HTML one comes with opening it.
                    let complete = message.body.as_ref().is_some_and(|b| b.html.is_some())
                        && (!message.has_attachments || !message.attachments.is_empty());
                    if complete {
                        return Ok::<_, MailServiceError>((message, None, Vec::new()));
                    }
                    let account = tx.mail_account(owner, message.account_id).await?;
                    let folders = tx.mail_folders(message.account_id).await?;
                    Ok((message, account, folders))
                })
            })
            .await?;
        let Some(account) = account else { return Ok(message) };
        let mailbox = self.mailbox(account).await?;
        let provider_id = message.provider_id.clone();
        let full = self
            .call(&mailbox, move |source| {
                let provider_id = provider_id.clone();
                async move { source.message(&provider_id).await }
            })
            .await
            .map_err(|e| match e {
                MailServiceError::Provider(MailError::NotFound { .. }) => {
                    MailServiceError::MessageNotFound
                }
                other => other,
            })?;
        let by_provider = folders.iter().map(|f| (f.provider_id.clone(), f.id)).collect();
        let full = StoredMessage { id: message.id, ..stored(&mailbox.account, &by_provider, full) };
        let saved = full.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.upsert_mail_messages(std::slice::from_ref(&saved)).await?;
                    Ok::<_, MailServiceError>(())
                })
            })
            .await?;
        Ok(full)
    }

    /// A page of one of the caller's accounts' threads, newest activity first. A page read
    /// since the account's mail last changed is served again without reading it.
    ///
    /// # Errors
    /// [`MailServiceError::AccountNotFound`] when the account is not theirs;
    /// [`MailServiceError::FolderNotFound`] for a folder not of that account.
    pub async fn threads(
        &self,
        caller: &Principal,
        query: ThreadQuery,
    ) -> Result<ThreadPage, MailServiceError> {
        Ok(Arc::unwrap_or_clone(self.versioned_threads(caller, query).await?.page))
    }

    /// [`Self::threads`], with the version of the account's mail it was read at.
    ///
    /// # Errors
    /// As [`Self::threads`].
    pub async fn versioned_threads(
        &self,
        caller: &Principal,
        query: ThreadQuery,
    ) -> Result<Versioned<ThreadPage>, MailServiceError> {
        let (owner, account) = (caller.user_id, query.account);
        let key = PageQuery::Threads(query.clone());
        self.kept_page(owner, account, key, || self.read_threads(owner, query)).await
    }

    /// A page of `owner`'s threads, read from the store.
    async fn read_threads(
        &self,
        owner: UserId,
        query: ThreadQuery,
    ) -> Result<ThreadPage, MailServiceError> {
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    tx.mail_account(owner, query.account)
                        .await?
                        .ok_or(MailServiceError::AccountNotFound)?;
                    check_folder(tx, query.account, query.folder).await?;
                    Ok(tx.mail_threads(owner, &query).await?)
                })
            })
            .await
    }

    /// The messages of one of the caller's threads, oldest first; `account` narrows it to
    /// one account.
    ///
    /// # Errors
    /// [`MailServiceError::ThreadNotFound`] when none of its messages are theirs.
    pub async fn thread(
        &self,
        caller: &Principal,
        thread_key: &str,
        account: Option<MailAccountId>,
    ) -> Result<Vec<StoredMessage>, MailServiceError> {
        let (owner, key) = (caller.user_id, thread_key.to_owned());
        let messages = self
            .uow
            .read(move |tx| {
                Box::pin(async move {
                    Ok::<_, MailServiceError>(
                        tx.mail_thread(owner, account, &key, THREAD_LIMIT).await?,
                    )
                })
            })
            .await?;
        if messages.is_empty() {
            return Err(MailServiceError::ThreadNotFound);
        }
        Ok(messages)
    }

    /// An attachment of one of the caller's messages, streamed from the provider.
    ///
    /// # Errors
    /// [`MailServiceError::MessageNotFound`], [`MailServiceError::AttachmentNotFound`] when
    /// the message's metadata does not list it (or the provider no longer has it); the
    /// provider's failure.
    pub async fn attachment(
        &self,
        caller: &Principal,
        message: MailMessageId,
        attachment: &str,
    ) -> Result<AttachmentDownload, MailServiceError> {
        let message = self.message(caller, message).await?;
        let meta = message
            .attachments
            .iter()
            .find(|a| a.id == attachment)
            .cloned()
            .ok_or(MailServiceError::AttachmentNotFound)?;
        let account = self.account(caller, message.account_id).await?;
        let mailbox = self.mailbox(account).await?;
        let (provider_id, attachment_id) = (message.provider_id, meta.id.clone());
        let content = self
            .call(&mailbox, move |source| {
                let (message, attachment) = (provider_id.clone(), attachment_id.clone());
                async move { source.attachment(&message, &attachment).await }
            })
            .await
            .map_err(|e| match e {
                MailServiceError::Provider(MailError::NotFound { .. }) => {
                    MailServiceError::AttachmentNotFound
                }
                other => other,
            })?;
        Ok(AttachmentDownload {
            name: meta.name,
            content_type: download_type(content.content_type, meta.content_type),
            length: content.length,
            chunks: Box::pin(content.chunks.map(|chunk| chunk.map_err(MailServiceError::from))),
        })
    }
}

/// An attachment's type as downloaded: the provider's for the content, unless it only says
/// "bytes" (Gmail's attachment ids change between reads, so the part may no longer be found
/// by the id stored), then the one listed with the message.
fn download_type(provider: String, listed: String) -> String {
    let generic = provider.eq_ignore_ascii_case("application/octet-stream");
    if generic && !listed.is_empty() { listed } else { provider }
}

/// Checks that `folder`, if given, is one of `account`'s.
async fn check_folder<T: MailStore>(
    tx: &mut T,
    account: MailAccountId,
    folder: Option<MailFolderId>,
) -> Result<(), MailServiceError> {
    let Some(folder) = folder else { return Ok(()) };
    let folders = tx.mail_folders(account).await?;
    if folders.iter().any(|f| f.id == folder) {
        Ok(())
    } else {
        Err(MailServiceError::FolderNotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::download_type;

    #[test]
    fn a_download_has_the_providers_type_unless_it_only_says_bytes() {
        let t = |p: &str, l: &str| download_type(p.to_owned(), l.to_owned());
        assert_eq!(t("image/png", "application/pdf"), "image/png");
        assert_eq!(t("application/octet-stream", "application/pdf"), "application/pdf");
        assert_eq!(t("Application/Octet-Stream", ""), "Application/Octet-Stream");
    }
}
