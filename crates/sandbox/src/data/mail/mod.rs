//! The generated Microsoft 365 tenant: mailboxes with folders, threaded messages and
//! attachments, and the change log that Graph's delta queries read.
//!
//! Every change bumps the mailbox's sequence number; a message remembers the sequence of its
//! last change and every removal from a folder is kept with its own, so "what changed in this
//! folder since sequence S" is a scan, and a delta token is just a sequence number.

mod attachment;
mod compose;
mod generate;
mod ids;
mod text;

pub(crate) use attachment::{content, stream};
pub(crate) use generate::{GOOGLE, MICROSOFT, MailConfig, generate};
pub(crate) use ids::MailIds;

use std::collections::HashMap;

/// Graph's largest attachment (150 MB): generated attachments stay within it.
pub(crate) const MAX_ATTACHMENT_BYTES: u64 = 150 * 1024 * 1024;

/// The tenant every mailbox belongs to.
#[derive(Debug)]
pub(crate) struct Tenant {
    /// Directory (tenant) id, a GUID.
    pub id: String,
    /// The tenant's initial domain (`halden.onmicrosoft.com`).
    pub domain: String,
    pub mailboxes: Vec<Mailbox>,
    /// Fresh ids for messages added after generation.
    pub ids: MailIds,
}

impl Tenant {
    /// The mailbox whose address (case-insensitive) or object id is `key`.
    pub(crate) fn mailbox_index(&self, key: &str) -> Option<usize> {
        self.mailboxes.iter().position(|m| m.address.eq_ignore_ascii_case(key) || m.user_id == key)
    }
}

/// One user's mailbox.
#[derive(Debug)]
pub(crate) struct Mailbox {
    /// The user's object id (`oid`), a GUID.
    pub user_id: String,
    pub address: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub folders: Vec<Folder>,
    /// Every message ever held, removed ones included (their `folder` is `None`).
    pub messages: Vec<Message>,
    pub by_id: HashMap<String, usize>,
    pub removals: Vec<Removal>,
    /// The sequence number of the latest change.
    pub seq: u64,
    /// Phrases the mailbox's threads revolve around over the whole history.
    pub topics: Vec<String>,
    /// Phrases that appear only in the last two days.
    pub hot_topics: Vec<String>,
}

impl Mailbox {
    /// The folder whose id or well-known name (case-insensitive) is `key`.
    pub(crate) fn folder_index(&self, key: &str) -> Option<usize> {
        self.folders.iter().position(|f| {
            f.id == key || f.well_known.is_some_and(|name| name.eq_ignore_ascii_case(key))
        })
    }

    /// The live message with `id`.
    pub(crate) fn message_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied().filter(|&i| self.messages[i].folder.is_some())
    }

    /// Live messages in `folder`.
    pub(crate) fn in_folder(&self, folder: usize) -> impl Iterator<Item = (usize, &Message)> {
        self.messages.iter().enumerate().filter(move |(_, m)| m.folder == Some(folder))
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Marks a message read or unread.
    pub(crate) fn set_read(&mut self, index: usize, read: bool, at_us: i64) {
        let seq = self.next_seq();
        if let Some(message) = self.messages.get_mut(index) {
            message.is_read = read;
            message.touch(seq, at_us);
        }
    }

    /// Moves a message to another folder; the folder it leaves records a removal (restorable
    /// when it went to Deleted Items).
    pub(crate) fn move_to(&mut self, index: usize, folder: usize, at_us: i64) {
        let Some(from) = self.messages.get(index).and_then(|m| m.folder) else { return };
        if from == folder {
            return;
        }
        let seq = self.next_seq();
        let reason = if self.folders[folder].well_known == Some("deleteditems") {
            RemovedReason::Changed
        } else {
            RemovedReason::Deleted
        };
        self.removals.push(Removal { folder: from, message: index, seq, reason });
        let message = &mut self.messages[index];
        message.folder = Some(folder);
        message.touch(seq, at_us);
    }

    /// Deletes a message for good.
    pub(crate) fn delete(&mut self, index: usize) {
        let Some(from) = self.messages.get(index).and_then(|m| m.folder) else { return };
        let seq = self.next_seq();
        self.removals.push(Removal {
            folder: from,
            message: index,
            seq,
            reason: RemovedReason::Deleted,
        });
        self.messages[index].folder = None;
        self.by_id.remove(&self.messages[index].id.clone());
    }

    /// Adds a message; returns its index.
    pub(crate) fn add(&mut self, mut message: Message) -> usize {
        message.changed_seq = self.next_seq();
        let index = self.messages.len();
        self.by_id.insert(message.id.clone(), index);
        self.messages.push(message);
        index
    }
}

/// A mail folder.
#[derive(Debug)]
pub(crate) struct Folder {
    pub id: String,
    pub display_name: String,
    /// Graph's well-known folder name (`inbox`, `sentitems`, …), when it has one.
    pub well_known: Option<&'static str>,
    /// `None` for the top-level folders (children of the hidden root).
    pub parent: Option<usize>,
}

/// A name and an address, as Graph's `emailAddress`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub name: String,
    pub address: String,
}

/// One message.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub id: String,
    /// `None` once deleted for good.
    pub folder: Option<usize>,
    pub conversation_id: String,
    pub internet_message_id: String,
    /// `internetMessageId` of the message this one answers.
    pub in_reply_to: Option<String>,
    pub subject: String,
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub sent_us: i64,
    pub received_us: i64,
    pub created_us: i64,
    pub modified_us: i64,
    /// Sequence number of the latest change.
    pub changed_seq: u64,
    pub is_read: bool,
    pub is_draft: bool,
    pub importance: &'static str,
    /// The body as sent: HTML when `html` is set, else plain text.
    pub body: String,
    pub html: bool,
    pub attachments: Vec<Attachment>,
}

impl Message {
    /// A message arriving at `at_us` (sent, received, created and modified then), unread, in
    /// the first folder, with no thread, cc or attachment: the caller sets what differs.
    pub(crate) fn arriving(
        from: Address,
        to: Vec<Address>,
        subject: String,
        body: String,
        html: bool,
        at_us: i64,
    ) -> Self {
        Self {
            id: String::new(),
            folder: Some(0),
            conversation_id: String::new(),
            internet_message_id: String::new(),
            in_reply_to: None,
            subject,
            from,
            to,
            cc: Vec::new(),
            sent_us: at_us,
            received_us: at_us,
            created_us: at_us,
            modified_us: at_us,
            changed_seq: 0,
            is_read: false,
            is_draft: false,
            importance: "normal",
            body,
            html,
            attachments: Vec::new(),
        }
    }

    fn touch(&mut self, seq: u64, at_us: i64) {
        self.changed_seq = seq;
        self.modified_us = self.modified_us.max(at_us);
    }

    /// The body as plain text (tags stripped, entities decoded) when it was sent as HTML.
    pub(crate) fn text_body(&self) -> String {
        if self.html { text::html_to_text(&self.body) } else { self.body.clone() }
    }

    /// The body as HTML (plain text wrapped as Outlook does) when it was sent as text.
    pub(crate) fn html_body(&self) -> String {
        if self.html { self.body.clone() } else { text::text_to_html(&self.body) }
    }

    /// The first 255 characters of the text body, whitespace collapsed.
    pub(crate) fn preview(&self) -> String {
        let text = self.text_body();
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        collapsed.chars().take(255).collect()
    }
}

/// A file attached to a message; its bytes are generated on demand from `seed`.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub id: String,
    pub name: String,
    pub content_type: &'static str,
    pub size: u64,
    pub seed: u64,
    pub inline: bool,
}

/// Why a message left a folder, as delta's `@removed.reason` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RemovedReason {
    /// Gone from the folder for good (deleted, or moved to a folder other than Deleted Items).
    Deleted,
    /// Moved to Deleted Items: it can still be restored.
    Changed,
}

impl RemovedReason {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Deleted => "deleted",
            Self::Changed => "changed",
        }
    }
}

/// A message that left a folder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Removal {
    pub folder: usize,
    pub message: usize,
    pub seq: u64,
    pub reason: RemovedReason,
}
