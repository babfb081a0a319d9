//! The sandbox's Rust API for its Google side: the mailboxes, changes to them (each one a
//! history record), tokens minted directly, and the fault switches.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Google;
use super::gmail::model::{GmailBox, GmailMessage};
use super::oauth::scopes;
use crate::control::{micros, seconds};
use crate::data::mail::{Address, Message};
use crate::faults::{Api, Target};
use crate::{MailboxInfo, Sandbox, SandboxError};

/// A Gmail message, as the admin API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GmailMessageInfo {
    /// Gmail's message id.
    pub id: String,
    /// Gmail's thread id.
    pub thread_id: String,
    /// Label ids.
    pub labels: Vec<String>,
    /// `Subject`.
    pub subject: String,
    /// The sender's address.
    pub from: String,
    /// `internalDate`.
    pub received_at: DateTime<Utc>,
    /// The `historyId` of its latest change.
    pub history_id: u64,
    /// Attachments: `(attachmentId, filename, size in bytes)`; the id is one `messages.get`
    /// would not give (Gmail's change on every reading), good for `messages.attachments.get`.
    pub attachments: Vec<(String, String, u64)>,
}

/// A message to deliver to a Gmail mailbox after start.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewGmail {
    /// The mailbox's address; the demo mailbox when empty.
    pub mailbox: String,
    /// `Subject`.
    pub subject: String,
    /// The sender's display name and address; a generated correspondent when empty.
    pub from_name: String,
    /// See `from_name`.
    pub from_address: String,
    /// The body; HTML when `html` is set.
    pub body: String,
    /// Whether `body` is HTML.
    pub html: bool,
    /// Label ids; `INBOX` and `UNREAD` when empty.
    pub labels: Vec<String>,
    /// A thread of the mailbox to add it to.
    pub thread_id: Option<String>,
}

fn mailbox_index(google: &Google, key: &str) -> Result<usize, SandboxError> {
    google.mailbox_index(key).ok_or_else(|| SandboxError::UnknownMailbox(key.to_owned()))
}

fn message_index(mailbox: &GmailBox, id: &str) -> Result<usize, SandboxError> {
    mailbox.index(id).ok_or_else(|| SandboxError::UnknownMessage(id.to_owned()))
}

fn info(m: &GmailMessage) -> GmailMessageInfo {
    GmailMessageInfo {
        id: m.id.clone(),
        thread_id: m.thread_id.clone(),
        labels: m.labels.iter().cloned().collect(),
        subject: m.message.subject.clone(),
        from: m.message.from.address.clone(),
        received_at: micros(m.message.received_us),
        history_id: m.history_id,
        attachments: m
            .message
            .attachments
            .iter()
            .map(|a| (super::gmail::mime::attachment_id(a, 0), a.name.clone(), a.size))
            .collect(),
    }
}

impl Sandbox {
    /// Every Gmail mailbox; the demo user's (`demo.halden@gmail.com`) first.
    pub fn gmail_mailboxes(&self) -> Vec<MailboxInfo> {
        let google = self.store.google();
        google
            .mailboxes
            .iter()
            .map(|m| MailboxInfo {
                address: m.address.clone(),
                display_name: m.display_name.clone(),
                user_id: m.address.clone(),
                messages: m.live().count(),
                topics: m.topics.clone(),
                hot_topics: m.hot_topics.clone(),
            })
            .collect()
    }

    /// The live messages of a Gmail mailbox, or those with a label, newest first.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn gmail_messages(
        &self,
        mailbox: &str,
        label: Option<&str>,
    ) -> Result<Vec<GmailMessageInfo>, SandboxError> {
        let google = self.store.google();
        let m = &google.mailboxes[mailbox_index(&google, mailbox)?];
        let mut found: Vec<&GmailMessage> = m
            .live()
            .map(|(_, x)| x)
            .filter(|x| label.is_none_or(|l| x.labels.contains(l)))
            .collect();
        found.sort_by(|a, b| (b.internal_date_ms(), &b.id).cmp(&(a.internal_date_ms(), &a.id)));
        Ok(found.into_iter().map(info).collect())
    }

    /// The mailbox's latest `historyId`.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn gmail_history_id(&self, mailbox: &str) -> Result<u64, SandboxError> {
        let google = self.store.google();
        Ok(google.mailboxes[mailbox_index(&google, mailbox)?].history_id)
    }

    /// Delivers a message now (a `messageAdded` history record).
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn add_gmail(&self, mail: NewGmail) -> Result<GmailMessageInfo, SandboxError> {
        let at = self.store.write().tick();
        let mut google = self.store.google();
        let index = mailbox_index(&google, &mail.mailbox)?;
        let mailbox = &mut google.mailboxes[index];
        let from = if mail.from_address.is_empty() {
            Address {
                name: "Søren Kjær".to_owned(), address: "soren.kjaer@dtu.example".to_owned()
            }
        } else {
            let name =
                if mail.from_name.is_empty() { mail.from_address.clone() } else { mail.from_name };
            Address { name, address: mail.from_address }
        };
        let thread = mail.thread_id.filter(|t| mailbox.live().any(|(_, m)| &m.thread_id == t));
        let to =
            vec![Address { name: mailbox.display_name.clone(), address: mailbox.address.clone() }];
        let mut message = Message::arriving(from, to, mail.subject, mail.body, mail.html, at);
        message.internet_message_id = format!("<{at:x}.sandbox@mail.gmail.com>");
        let labels: BTreeSet<String> = if mail.labels.is_empty() {
            ["INBOX", "UNREAD"].map(str::to_owned).into()
        } else {
            mail.labels.into_iter().collect()
        };
        let added = mailbox.add(message, labels, thread);
        Ok(info(&mailbox.messages[added]))
    }

    /// Deletes a message for good now (a `messageDeleted` history record).
    ///
    /// # Errors
    /// Unknown mailbox or message.
    pub fn delete_gmail(&self, mailbox: &str, message_id: &str) -> Result<(), SandboxError> {
        self.store.write().tick();
        let mut google = self.store.google();
        let index = mailbox_index(&google, mailbox)?;
        let m = &mut google.mailboxes[index];
        let message = message_index(m, message_id)?;
        m.delete(message);
        Ok(())
    }

    /// Adds and removes labels now (`labelAdded` / `labelRemoved` history records).
    ///
    /// # Errors
    /// Unknown mailbox or message.
    pub fn label_gmail(
        &self,
        mailbox: &str,
        message_id: &str,
        add: &[&str],
        remove: &[&str],
    ) -> Result<GmailMessageInfo, SandboxError> {
        self.store.write().tick();
        let mut google = self.store.google();
        let index = mailbox_index(&google, mailbox)?;
        let m = &mut google.mailboxes[index];
        let message = message_index(m, message_id)?;
        let owned = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        m.relabel(message, &owned(add), &owned(remove));
        Ok(info(&m.messages[message]))
    }

    /// Forgets a mailbox's history: `history.list` from any `historyId` issued so far answers
    /// 404, as Gmail does for one older than it keeps. Returns how many records were dropped.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn expire_gmail_history(&self, mailbox: &str) -> Result<usize, SandboxError> {
        let mut google = self.store.google();
        let index = mailbox_index(&google, mailbox)?;
        Ok(google.mailboxes[index].expire_history())
    }

    /// A Gmail access token for a mailbox with these (space-separated) scopes, as the token
    /// endpoint would issue it.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn google_access_token(&self, mailbox: &str, scope: &str) -> Result<String, SandboxError> {
        let mut google = self.store.google();
        let index = mailbox_index(&google, mailbox)?;
        Ok(google.auth.issue_access(index, scopes(scope), None))
    }

    /// Every access token issued so far expires now: Gmail answers 401. Returns how many.
    pub fn expire_google_access_tokens(&self) -> usize {
        let mut google = self.store.google();
        google.auth.access.values_mut().for_each(|a| a.dead = true);
        google.auth.access.len()
    }

    /// Revokes every grant of a mailbox, as its owner would in their Google account: refresh
    /// tokens answer `invalid_grant`, access tokens 401. Returns how many refresh tokens were
    /// live.
    ///
    /// # Errors
    /// Unknown mailbox.
    pub fn revoke_google_grants(&self, mailbox: &str) -> Result<usize, SandboxError> {
        let mut google = self.store.google();
        let index = mailbox_index(&google, mailbox)?;
        Ok(google.auth.revoke_mailbox(index))
    }

    /// The next `requests` authorizations are declined by the user (`error=access_denied`).
    pub fn deny_google_authorizations(&self, requests: u32) {
        self.store.google().auth.deny = requests;
    }

    /// The lifetime of access tokens issued from now on (`expires_in`; default 3599 s).
    pub fn set_google_token_lifetime(&self, lifetime: Duration) {
        self.store.google().auth.token_lifetime = lifetime;
    }

    /// The next `requests` Gmail requests, whatever their token, answer 429
    /// `rateLimitExceeded` with `Retry-After` (whole seconds, rounded up). Zero lifts it. A
    /// single token is throttled with [`Sandbox::throttle_token`].
    pub fn throttle_gmail(&self, requests: u32, retry_after: Duration) {
        self.store.faults().throttle(Target::Api(Api::Gmail), 0, requests, seconds(retry_after));
    }

    /// The next `requests` Gmail requests with a valid token answer 403
    /// `userRateLimitExceeded` with `Retry-After`. Zero lifts it.
    pub fn limit_gmail_user_rate(&self, requests: u32, retry_after: Duration) {
        self.store.google().user_rate_limit = (requests, seconds(retry_after));
    }

    /// Gmail requests served so far (quota errors included).
    pub fn gmail_requests(&self) -> u64 {
        self.store.faults().requests(Api::Gmail)
    }
}
