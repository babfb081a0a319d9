//! Mailbox contents as a provider describes them, before they are stored: the values the
//! mail-provider port (`switchboard_ports::mail::MailSource`) returns, with the provider's own
//! identifiers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{FolderKind, FolderRole, MailAddress, MailProvider};

/// Who a mailbox belongs to, as the provider answered (Graph `GET /me`, Gmail
/// `users.getProfile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailIdentity {
    /// The provider.
    pub provider: MailProvider,
    /// The provider's stable id of the account: Microsoft's object id (`oid`), Google's
    /// address (Gmail's profile has no other id).
    pub account_id: String,
    /// The mailbox's address.
    pub address: String,
    /// The owner's name, when the provider gives one.
    pub display_name: Option<String>,
}

/// A folder or label of the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteFolder {
    /// The provider's id (Graph folder id, Gmail label id).
    pub id: String,
    /// The parent folder's provider id (Outlook child folders); `None` at the top.
    pub parent_id: Option<String>,
    /// The name shown to the user.
    pub name: String,
    /// User folder, user label or system container.
    pub kind: FolderKind,
    /// The role of a system container.
    pub role: Option<FolderRole>,
    /// Messages in it, when the provider counts them.
    pub total: Option<u64>,
    /// Unread messages in it, when the provider counts them.
    pub unread: Option<u64>,
}

/// A message's bodies, as text and as HTML, each when the message has it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageBody {
    /// The plain-text body.
    pub text: Option<String>,
    /// The HTML body.
    pub html: Option<String>,
}

/// An attachment's description (its content is streamed on request, never held).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// The provider's attachment id.
    pub id: String,
    /// The file name.
    pub name: String,
    /// The MIME type (`application/pdf`).
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Shown inside the body (an inline image) rather than attached.
    pub inline: bool,
}

/// A message as listed or read from the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMessage {
    /// The provider's id (Graph immutable id, Gmail message id).
    pub id: String,
    /// The provider's conversation: Graph `conversationId`, Gmail `threadId`.
    pub thread_id: String,
    /// Provider ids of the folders (Outlook: exactly one) or labels it is in.
    pub folder_ids: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The sender, when the message has one.
    pub from: Option<MailAddress>,
    /// `To` recipients.
    pub to: Vec<MailAddress>,
    /// `Cc` recipients.
    pub cc: Vec<MailAddress>,
    /// When the mailbox received it.
    pub received_at: DateTime<Utc>,
    /// When it was sent, when known.
    pub sent_at: Option<DateTime<Utc>>,
    /// Not read yet.
    pub unread: bool,
    /// Whether it has attachments (inline images excluded where the provider says so).
    pub has_attachments: bool,
    /// A short preview of the body.
    pub snippet: String,
    /// The `Message-ID` header.
    pub internet_message_id: Option<String>,
    /// The bodies: present when the message was read in full, absent in lists.
    pub body: Option<MessageBody>,
    /// The attachments, when the message was read in full.
    pub attachments: Vec<AttachmentMeta>,
}

/// A message to send, or a reply to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    /// `To` recipients (at least one, unless replying).
    pub to: Vec<MailAddress>,
    /// `Cc` recipients.
    pub cc: Vec<MailAddress>,
    /// The subject line (a reply's defaults to the original's).
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The provider id of the message this replies to, when it is a reply.
    pub reply_to: Option<String>,
}
