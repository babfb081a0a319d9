//! A Gmail mailbox over the generated mail: labels instead of folders, Gmail's hex ids (the
//! first message's id is its thread's id), and the history log that `history.list` reads.
//!
//! Every change appends history records stamped with a new `historyId`; records before
//! `floor` are forgotten (Gmail keeps about a week), so a `startHistoryId` older than that
//! answers 404.

use std::collections::{BTreeSet, HashMap};

use crate::data::mail::{Mailbox, Message};

/// The system labels, as `labels.list` lists them.
pub(crate) const SYSTEM_LABELS: &[&str] = &[
    "CHAT",
    "SENT",
    "INBOX",
    "IMPORTANT",
    "TRASH",
    "DRAFT",
    "SPAM",
    "CATEGORY_FORUMS",
    "CATEGORY_UPDATES",
    "CATEGORY_PERSONAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_SOCIAL",
    "STARRED",
    "UNREAD",
];

/// The first `historyId` of a generated mailbox (Gmail's are large numbers, never small ones).
const FIRST_HISTORY_ID: u64 = 3_000_000;

/// A label the user made.
#[derive(Debug, Clone)]
pub(crate) struct UserLabel {
    pub id: String,
    pub name: String,
}

/// One message and its Gmail state.
#[derive(Debug, Clone)]
pub(crate) struct GmailMessage {
    pub id: String,
    pub thread_id: String,
    pub labels: BTreeSet<String>,
    /// The `historyId` of its latest change.
    pub history_id: u64,
    pub deleted: bool,
    pub message: Message,
}

impl GmailMessage {
    /// `internalDate`: when Gmail received it, in milliseconds.
    pub(crate) fn internal_date_ms(&self) -> i64 {
        self.message.received_us / 1000
    }
}

/// What a history record says happened to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    Added,
    Deleted,
    LabelsAdded(Vec<String>),
    LabelsRemoved(Vec<String>),
}

impl Change {
    /// The `historyTypes` value that selects it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Added => "messageAdded",
            Self::Deleted => "messageDeleted",
            Self::LabelsAdded(_) => "labelAdded",
            Self::LabelsRemoved(_) => "labelRemoved",
        }
    }
}

/// One history record.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: u64,
    pub message: usize,
    pub change: Change,
}

/// One user's Gmail.
#[derive(Debug)]
pub(crate) struct GmailBox {
    pub address: String,
    pub display_name: String,
    pub user_labels: Vec<UserLabel>,
    pub messages: Vec<GmailMessage>,
    pub by_id: HashMap<String, usize>,
    pub history: Vec<Record>,
    /// The latest `historyId`.
    pub history_id: u64,
    /// The oldest `startHistoryId` still answered.
    pub floor: u64,
    pub topics: Vec<String>,
    pub hot_topics: Vec<String>,
    /// Fresh ids for messages added later.
    next_id: u64,
}

impl GmailBox {
    /// Gmail's view of a generated mailbox: folders become labels, history starts empty.
    pub(crate) fn from_mailbox(mailbox: Mailbox) -> Self {
        let user_labels: Vec<UserLabel> = mailbox
            .folders
            .iter()
            .filter(|f| f.well_known.is_none())
            .enumerate()
            .map(|(i, f)| {
                let name = match f.parent {
                    Some(p) if mailbox.folders[p].well_known.is_none() => {
                        format!("{}/{}", mailbox.folders[p].display_name, f.display_name)
                    }
                    _ => f.display_name.clone(),
                };
                UserLabel { id: format!("Label_{}", i + 1), name }
            })
            .collect();
        let user_by_folder: HashMap<usize, String> = mailbox
            .folders
            .iter()
            .enumerate()
            .filter(|(_, f)| f.well_known.is_none())
            .zip(user_labels.iter())
            .map(|((i, _), label)| (i, label.id.clone()))
            .collect();
        let mut order: Vec<usize> =
            (0..mailbox.messages.len()).filter(|&i| mailbox.messages[i].folder.is_some()).collect();
        order.sort_by_key(|&i| (mailbox.messages[i].received_us, i));
        let mut threads: HashMap<String, String> = HashMap::new();
        let mut out = Self {
            address: mailbox.address.clone(),
            display_name: mailbox.display_name.clone(),
            user_labels,
            messages: Vec::with_capacity(order.len()),
            by_id: HashMap::with_capacity(order.len()),
            history: Vec::new(),
            history_id: FIRST_HISTORY_ID,
            floor: FIRST_HISTORY_ID,
            topics: mailbox.topics.clone(),
            hot_topics: mailbox.hot_topics.clone(),
            next_id: 0,
        };
        for (n, i) in order.into_iter().enumerate() {
            let message = mailbox.messages[i].clone();
            let mut labels = BTreeSet::new();
            let folder = message.folder.unwrap_or(0);
            match mailbox.folders[folder].well_known {
                Some("inbox") => {
                    labels.insert("INBOX".to_owned());
                    labels.insert("CATEGORY_PERSONAL".to_owned());
                }
                Some("drafts") => {
                    labels.insert("DRAFT".to_owned());
                }
                Some("sentitems") => {
                    labels.insert("SENT".to_owned());
                }
                Some("deleteditems") => {
                    labels.insert("TRASH".to_owned());
                }
                Some("junkemail") => {
                    labels.insert("SPAM".to_owned());
                }
                // Archived mail has no INBOX label: that is all archiving is in Gmail.
                Some(_) => {}
                None => {
                    if let Some(label) = user_by_folder.get(&folder) {
                        labels.insert(label.clone());
                    }
                    let newsletter = mailbox.folders[folder].display_name == "Newsletters";
                    labels.insert(
                        if newsletter { "CATEGORY_UPDATES" } else { "CATEGORY_PERSONAL" }
                            .to_owned(),
                    );
                    labels.insert("INBOX".to_owned());
                }
            }
            if !message.is_read && !labels.contains("SENT") && !labels.contains("DRAFT") {
                labels.insert("UNREAD".to_owned());
            }
            if message.importance == "high" {
                labels.insert("IMPORTANT".to_owned());
            }
            if n % 23 == 5 && labels.contains("INBOX") {
                labels.insert("STARRED".to_owned());
            }
            let id = out.fresh_id(message.received_us);
            let thread_id = threads
                .entry(message.conversation_id.clone())
                .or_insert_with(|| id.clone())
                .clone();
            out.history_id += 1;
            let entry = GmailMessage {
                id: id.clone(),
                thread_id,
                labels,
                history_id: out.history_id,
                deleted: false,
                message,
            };
            out.by_id.insert(id, out.messages.len());
            out.messages.push(entry);
        }
        out.floor = out.history_id;
        out
    }

    /// A Gmail-shaped id: sixteen hex digits that start with the time in milliseconds.
    fn fresh_id(&mut self, at_us: i64) -> String {
        self.next_id += 1;
        format!("{:011x}{:05x}", (at_us / 1000).max(0) & 0xfff_ffff_ffff, self.next_id & 0xfffff)
    }

    /// The live message with `id`.
    pub(crate) fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied().filter(|&i| !self.messages[i].deleted)
    }

    /// Whether `id` names a label of this mailbox.
    pub(crate) fn has_label(&self, id: &str) -> bool {
        SYSTEM_LABELS.contains(&id) || self.user_labels.iter().any(|l| l.id == id)
    }

    /// The label id a `label:` search term names (its id, or its name with `-` for spaces and
    /// `/`, case-insensitive, as Gmail's search box takes it).
    pub(crate) fn label_by_name(&self, name: &str) -> Option<String> {
        let wanted = name.to_lowercase();
        let norm = |s: &str| s.to_lowercase().replace([' ', '/'], "-");
        if let Some(system) = SYSTEM_LABELS.iter().find(|l| l.to_lowercase() == wanted) {
            return Some((*system).to_owned());
        }
        self.user_labels
            .iter()
            .find(|l| l.id.to_lowercase() == wanted || norm(&l.name) == norm(&wanted))
            .map(|l| l.id.clone())
    }

    fn record(&mut self, message: usize, change: Change) -> u64 {
        self.history_id += 1;
        let id = self.history_id;
        self.history.push(Record { id, message, change });
        self.messages[message].history_id = id;
        id
    }

    /// Adds a message with these labels; its thread is `thread_id` when given.
    pub(crate) fn add(
        &mut self,
        message: Message,
        labels: BTreeSet<String>,
        thread_id: Option<String>,
    ) -> usize {
        let id = self.fresh_id(message.received_us);
        let thread_id = thread_id.unwrap_or_else(|| id.clone());
        let index = self.messages.len();
        self.by_id.insert(id.clone(), index);
        self.messages.push(GmailMessage {
            id,
            thread_id,
            labels,
            history_id: 0,
            deleted: false,
            message,
        });
        self.record(index, Change::Added);
        index
    }

    /// Adds and removes labels; records only what actually changed.
    pub(crate) fn relabel(&mut self, index: usize, add: &[String], remove: &[String]) {
        let labels = &mut self.messages[index].labels;
        let added: Vec<String> =
            add.iter().filter(|l| labels.insert((*l).clone())).cloned().collect();
        let removed: Vec<String> = remove.iter().filter(|l| labels.remove(*l)).cloned().collect();
        if !added.is_empty() {
            self.record(index, Change::LabelsAdded(added));
        }
        if !removed.is_empty() {
            self.record(index, Change::LabelsRemoved(removed));
        }
    }

    /// Deletes a message for good.
    pub(crate) fn delete(&mut self, index: usize) {
        if !self.messages[index].deleted {
            self.messages[index].deleted = true;
            self.record(index, Change::Deleted);
        }
    }

    /// Forgets the history so far: a `startHistoryId` before now answers 404.
    pub(crate) fn expire_history(&mut self) -> usize {
        self.floor = self.history_id;
        let forgotten = self.history.len();
        self.history.clear();
        forgotten
    }

    /// Live messages.
    pub(crate) fn live(&self) -> impl Iterator<Item = (usize, &GmailMessage)> {
        self.messages.iter().enumerate().filter(|(_, m)| !m.deleted)
    }
}
