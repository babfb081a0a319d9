//! Mailbox contents as we store them: linked accounts, their folders and the synced messages
//! with our ids, and the query that pages a mailbox newest first.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    AttachmentMeta, FolderKind, FolderRole, MailAccountId, MailAccountStatus, MailAddress,
    MailFolderId, MailMessageId, MailProvider, MessageBody, SyncProgress,
};
use crate::UserId;

/// A mailbox linked to a user: one per user and provider account (linking it again updates
/// it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAccount {
    /// Our id.
    pub id: MailAccountId,
    /// Who linked it.
    pub user_id: UserId,
    /// Its provider.
    pub provider: MailProvider,
    /// The provider's stable id of the account.
    pub provider_account_id: String,
    /// The mailbox's address.
    pub address: String,
    /// The owner's name, as the provider gave it (empty when it gave none).
    pub display_name: String,
    /// Where it stands.
    pub status: MailAccountStatus,
    /// How far its first sync has come.
    pub progress: SyncProgress,
    /// When its last sync finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Why its last sync failed, when it did.
    pub last_error: Option<String>,
    /// When it was first linked.
    pub created_at: DateTime<Utc>,
}

/// A folder or label of a linked mailbox, unique by its provider id within the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailFolder {
    /// Our id (kept when the folder is upserted again).
    pub id: MailFolderId,
    /// Its account.
    pub account_id: MailAccountId,
    /// The provider's id (Graph folder id, Gmail label id).
    pub provider_id: String,
    /// The parent folder, `None` at the top.
    pub parent_id: Option<MailFolderId>,
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
    /// Where the next incremental sync of it starts (a delta link, a history id).
    pub sync_cursor: Option<String>,
}

/// A message stored from a linked mailbox, unique by its provider id within the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Our id (kept when the message is upserted again).
    pub id: MailMessageId,
    /// Its account.
    pub account_id: MailAccountId,
    /// The provider's id.
    pub provider_id: String,
    /// The conversation it belongs to (Graph `conversationId`, Gmail `threadId`).
    pub thread_key: String,
    /// The folders or labels it is in.
    pub folder_ids: Vec<MailFolderId>,
    /// The subject line.
    pub subject: String,
    /// The sender, when it has one.
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
    /// Whether it has attachments.
    pub has_attachments: bool,
    /// A short preview of the body.
    pub snippet: String,
    /// The `Message-ID` header.
    pub internet_message_id: Option<String>,
    /// The bodies, once read in full; an upsert without them keeps those stored.
    pub body: Option<MessageBody>,
    /// Its attachments' metadata (empty until the message's details were read, when
    /// `has_attachments`).
    pub attachments: Vec<AttachmentMeta>,
}

/// A message as a list shows it: its headers without recipients, bodies or attachments, so
/// a page reads only what it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageSummary {
    /// Our id.
    pub id: MailMessageId,
    /// Its account.
    pub account_id: MailAccountId,
    /// The conversation it belongs to.
    pub thread_key: String,
    /// The folders or labels it is in.
    pub folder_ids: Vec<MailFolderId>,
    /// The subject line.
    pub subject: String,
    /// The sender, when it has one.
    pub from: Option<MailAddress>,
    /// When the mailbox received it.
    pub received_at: DateTime<Utc>,
    /// Not read yet.
    pub unread: bool,
    /// Whether it has attachments.
    pub has_attachments: bool,
    /// A short preview of the body.
    pub snippet: String,
}

impl From<&StoredMessage> for MessageSummary {
    fn from(m: &StoredMessage) -> Self {
        Self {
            id: m.id,
            account_id: m.account_id,
            thread_key: m.thread_key.clone(),
            folder_ids: m.folder_ids.clone(),
            subject: m.subject.clone(),
            from: m.from.clone(),
            received_at: m.received_at,
            unread: m.unread,
            has_attachments: m.has_attachments,
            snippet: m.snippet.clone(),
        }
    }
}

impl StoredMessage {
    /// The event log's name for messages: a sync appends an `added` event (with the
    /// message's snapshot) for each new one, a `changed` event per attribute that changed, and
    /// a `deleted` event for each one removed.
    pub const EVENT_MODEL: &'static str = "mail_message";
}

/// Where a page of a mailbox ends: the next page starts strictly after (older than) it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageCursor {
    /// The last message's receipt time.
    pub received_at: DateTime<Utc>,
    /// The last message's id, breaking ties between messages received at the same time.
    pub id: MailMessageId,
}

impl MessageCursor {
    /// The cursor just past `message`.
    pub fn after(message: &MessageSummary) -> Self {
        Self { received_at: message.received_at, id: message.id }
    }
}

/// A page of one account's messages, newest first, narrowed by the filters set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageQuery {
    /// The account (of the user asking: another user's account yields nothing).
    pub account: MailAccountId,
    /// Only messages in this folder or label.
    pub folder: Option<MailFolderId>,
    /// Only messages of this conversation.
    pub thread: Option<String>,
    /// Only messages from this sender's address (compared case-insensitively).
    pub from: Option<String>,
    /// Only unread (`true`) or read (`false`) messages.
    pub unread: Option<bool>,
    /// Only messages with (`true`) or without (`false`) attachments.
    pub has_attachments: Option<bool>,
    /// Only messages received at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only messages received before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only messages matching this search (words of the subject, the sender or the body).
    pub q: Option<String>,
    /// Start after this cursor (the previous page's `next`).
    pub after: Option<MessageCursor>,
    /// At most this many messages.
    pub limit: u32,
}

impl MessageQuery {
    /// The first `limit` messages of `account`, unfiltered.
    pub fn of(account: MailAccountId, limit: u32) -> Self {
        Self {
            account,
            folder: None,
            thread: None,
            from: None,
            unread: None,
            has_attachments: None,
            since: None,
            until: None,
            q: None,
            after: None,
            limit,
        }
    }
}

/// One page of messages and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    /// The messages, newest first.
    pub messages: Vec<MessageSummary>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<MessageCursor>,
}

impl MessagePage {
    /// The page of `found`, fetched with one message more than `limit` asked: that extra one
    /// only tells that a next page exists.
    pub fn from_fetched(found: Vec<MessageSummary>, limit: u32) -> Self {
        let (messages, next) = super::order::keyset_page(found, limit, MessageCursor::after);
        Self { messages, next }
    }
}

/// One conversation of a mailbox, as a thread list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    /// The account the thread is in.
    pub account_id: MailAccountId,
    /// The provider's conversation or thread id (the thread's id in the API).
    pub thread_key: String,
    /// The subject of its latest message.
    pub subject: String,
    /// The snippet of its latest message.
    pub snippet: String,
    /// When its latest message arrived.
    pub latest_at: DateTime<Utc>,
    /// How many of its messages are stored.
    pub messages: u32,
    /// How many of them are unread.
    pub unread: u32,
    /// Its distinct senders, latest first (at most 10).
    pub senders: Vec<MailAddress>,
}

/// Where the next page of threads starts: after this thread in newest-first order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadCursor {
    /// The last thread's latest message time.
    pub latest_at: DateTime<Utc>,
    /// The last thread's key.
    pub thread_key: String,
}

/// A page of one account's threads, newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadQuery {
    /// The account.
    pub account: MailAccountId,
    /// Only threads with a message in this folder.
    pub folder: Option<MailFolderId>,
    /// Only threads with (true) or without (false) an unread message.
    pub unread: Option<bool>,
    /// Start after this thread.
    pub after: Option<ThreadCursor>,
    /// At most this many threads.
    pub limit: u32,
}

/// One page of threads and where the next starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    /// The threads, newest activity first.
    pub threads: Vec<ThreadSummary>,
    /// The cursor of the next page, if there is one.
    pub next: Option<ThreadCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::FolderKind;

    fn stored(minutes: i64) -> StoredMessage {
        StoredMessage {
            id: MailMessageId::new(),
            account_id: MailAccountId::new(),
            provider_id: format!("m{minutes}"),
            thread_key: "t".into(),
            folder_ids: Vec::new(),
            subject: String::new(),
            from: None,
            to: Vec::new(),
            cc: Vec::new(),
            received_at: DateTime::from_timestamp(minutes * 60, 0).unwrap_or_default(),
            sent_at: None,
            unread: false,
            has_attachments: false,
            snippet: String::new(),
            internet_message_id: None,
            body: None,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn a_page_with_one_more_than_asked_has_a_next_cursor_at_its_last_message() {
        let fetched: Vec<MessageSummary> =
            (0..4).rev().map(|m| MessageSummary::from(&stored(m))).collect();
        let page = MessagePage::from_fetched(fetched.clone(), 3);
        assert_eq!(page.messages, fetched[..3]);
        assert_eq!(page.next, Some(MessageCursor::after(&fetched[2])));
        let last = MessagePage::from_fetched(fetched[..3].to_vec(), 3);
        assert_eq!(last.next, None, "no extra message, no next page");
    }

    #[test]
    fn folder_kinds_round_trip() {
        for kind in [FolderKind::Folder, FolderKind::Label, FolderKind::System] {
            assert_eq!(FolderKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FolderKind::parse("inbox"), None);
    }
}
