//! The sandbox's Rust API for its Microsoft side: what was generated, changes to mailboxes
//! (stamped with the sandbox clock), tokens minted directly, and the identity platform's and
//! Graph's fault switches.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::control::micros;
use crate::data::mail::{Mailbox, Message, Tenant};
use crate::{Sandbox, SandboxError};

mod changes;
mod switches;

/// A generated mailbox, with the topics planted in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxInfo {
    /// The address (`mail` and `userPrincipalName`).
    pub address: String,
    /// The owner's display name.
    pub display_name: String,
    /// The owner's object id (`oid`, Graph's user `id`).
    pub user_id: String,
    /// Live messages, in every folder.
    pub messages: usize,
    /// Phrases the mailbox's threads revolve around over the whole history.
    pub topics: Vec<String>,
    /// Phrases that appear only in the last two days before `now`.
    pub hot_topics: Vec<String>,
}

/// A mail folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailFolderInfo {
    /// Graph's folder id.
    pub id: String,
    /// `displayName`.
    pub display_name: String,
    /// Graph's well-known name (`inbox`, `sentitems`, …), when it has one.
    pub well_known: Option<String>,
    /// The parent folder's id; `None` at the top level.
    pub parent_id: Option<String>,
    /// Live messages in the folder.
    pub total: usize,
    /// Unread ones among them.
    pub unread: usize,
}

/// A message, as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailMessageInfo {
    /// Graph's (immutable) message id.
    pub id: String,
    /// The folder's id.
    pub folder_id: String,
    /// `subject`.
    pub subject: String,
    /// The sender's address.
    pub from: String,
    /// `receivedDateTime`.
    pub received_at: DateTime<Utc>,
    /// `isRead`.
    pub is_read: bool,
    /// `conversationId`.
    pub conversation_id: String,
    /// Attachments: `(id, name, size in bytes)`.
    pub attachments: Vec<(String, String, u64)>,
}

/// A message to deliver after start.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewMail {
    /// The mailbox's address or object id; the demo mailbox when empty.
    pub mailbox: String,
    /// Folder id or well-known name; `inbox` when empty.
    pub folder: String,
    /// `subject`.
    pub subject: String,
    /// The sender's display name and address; a generated colleague when empty.
    pub from_name: String,
    /// See `from_name`.
    pub from_address: String,
    /// The body; HTML when `html` is set.
    pub body: String,
    /// Whether `body` is HTML.
    pub html: bool,
    /// Attach a generated PDF of this many bytes.
    pub attachment_bytes: Option<u64>,
    /// The id of a message this one answers: same conversation, `In-Reply-To` its id.
    pub reply_to: Option<String>,
}

pub(super) fn mailbox_index(tenant: &Tenant, key: &str) -> Result<usize, SandboxError> {
    if key.is_empty() {
        return Ok(0);
    }
    tenant.mailbox_index(key).ok_or_else(|| SandboxError::UnknownMailbox(key.to_owned()))
}

pub(super) fn message_index(mailbox: &Mailbox, id: &str) -> Result<usize, SandboxError> {
    mailbox.message_index(id).ok_or_else(|| SandboxError::UnknownMessage(id.to_owned()))
}

pub(super) fn folder_index(mailbox: &Mailbox, key: &str) -> Result<usize, SandboxError> {
    mailbox.folder_index(key).ok_or_else(|| SandboxError::UnknownFolder(key.to_owned()))
}

pub(super) fn message_info(mailbox: &Mailbox, m: &Message) -> MailMessageInfo {
    MailMessageInfo {
        id: m.id.clone(),
        folder_id: m.folder.map(|f| mailbox.folders[f].id.clone()).unwrap_or_default(),
        subject: m.subject.clone(),
        from: m.from.address.clone(),
        received_at: micros(m.received_us),
        is_read: m.is_read,
        conversation_id: m.conversation_id.clone(),
        attachments: m.attachments.iter().map(|a| (a.id.clone(), a.name.clone(), a.size)).collect(),
    }
}

impl Sandbox {
    /// The Microsoft tenant's id (`tid`).
    pub fn microsoft_tenant_id(&self) -> String {
        self.store.read().microsoft.id.clone()
    }

    /// Every Microsoft mailbox; the demo user's first.
    pub fn mailboxes(&self) -> Vec<MailboxInfo> {
        let state = self.store.read();
        state
            .microsoft
            .mailboxes
            .iter()
            .map(|m| MailboxInfo {
                address: m.address.clone(),
                display_name: m.display_name.clone(),
                user_id: m.user_id.clone(),
                messages: m.messages.iter().filter(|x| x.folder.is_some()).count(),
                topics: m.topics.clone(),
                hot_topics: m.hot_topics.clone(),
            })
            .collect()
    }

    /// The folders of a mailbox (address or object id), top-level ones first.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn mail_folders(&self, mailbox: &str) -> Result<Vec<MailFolderInfo>, SandboxError> {
        let state = self.store.read();
        let m = &state.microsoft.mailboxes[mailbox_index(&state.microsoft, mailbox)?];
        Ok(m.folders
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let (total, unread) = m
                    .in_folder(i)
                    .fold((0, 0), |(t, u), (_, x)| (t + 1, u + usize::from(!x.is_read)));
                MailFolderInfo {
                    id: f.id.clone(),
                    display_name: f.display_name.clone(),
                    well_known: f.well_known.map(str::to_owned),
                    parent_id: f.parent.map(|p| m.folders[p].id.clone()),
                    total,
                    unread,
                }
            })
            .collect())
    }

    /// The live messages of a mailbox, or of one of its folders (id or well-known name),
    /// newest first.
    ///
    /// # Errors
    /// Unknown mailbox or folder.
    pub fn mail_messages(
        &self,
        mailbox: &str,
        folder: Option<&str>,
    ) -> Result<Vec<MailMessageInfo>, SandboxError> {
        let state = self.store.read();
        let m = &state.microsoft.mailboxes[mailbox_index(&state.microsoft, mailbox)?];
        let folder = folder.map(|f| folder_index(m, f)).transpose()?;
        let mut found: Vec<&Message> = m
            .messages
            .iter()
            .filter(|x| x.folder.is_some() && (folder.is_none() || x.folder == folder))
            .collect();
        found.sort_by(|a, b| (b.received_us, &b.id).cmp(&(a.received_us, &a.id)));
        Ok(found.into_iter().map(|x| message_info(m, x)).collect())
    }
}
