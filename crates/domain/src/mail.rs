//! Mailboxes (Outlook through Microsoft Graph, Gmail through the Gmail API) as the core sees
//! them: which provider an address lives on, the accounts linked to a user, their folders and
//! labels in one vocabulary, and messages with their addresses and attachments. Plain values
//! with the providers' own identifiers beside ours; the mail adapters build them from each
//! provider's wire format.

mod account;
mod address;
mod folder;
mod fresh_text;
mod html_text;
mod ids;
mod order;
mod provider;
mod remote;
mod stored;

pub use account::{MailAccountStatus, SyncProgress, UnknownStatus};
pub use address::MailAddress;
pub use folder::{FolderKind, FolderRole};
pub use fresh_text::fresh_text;
pub use html_text::html_as_text;
pub use ids::{MailAccountId, MailFolderId, MailMessageId};
pub use order::tree_order;
pub use provider::{MailProvider, ProviderGuess, UnknownProvider};
pub use remote::{
    AttachmentMeta, MailIdentity, MessageBody, OutgoingMessage, ProviderMessage, RemoteFolder,
};
pub use stored::{
    MailAccount, MailFolder, MessageCursor, MessagePage, MessageQuery, MessageSummary,
    StoredMessage, ThreadCursor, ThreadPage, ThreadQuery, ThreadSummary,
};
