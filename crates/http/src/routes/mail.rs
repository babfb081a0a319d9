//! The caller's linked mailboxes: linking (by the provider's consent page, or On-Behalf-Of),
//! their accounts, folders, messages, threads and attachments, and sending. Another user's
//! account, folder, message, thread or attachment is a 404.

pub mod cursor;
pub mod delete_account;
pub mod get_account;
pub mod get_attachment;
pub mod get_message;
pub mod get_thread;
pub mod link_callback;
pub mod link_complete;
pub mod link_obo;
pub mod link_start;
pub mod list_accounts;
pub mod list_folders;
pub mod list_messages;
pub mod list_threads;
pub mod send;
pub mod sync_account;
pub mod update_message;

use chrono::{DateTime, Utc};
use switchboard_domain::mail::{
    AttachmentMeta, MailAccount, MailAccountId, MailAddress, MailFolder, MailMessageId,
    MessageSummary, StoredMessage, ThreadSummary,
};
use switchboard_services::mail::Linked;

use crate::envelope::FieldError;
use crate::error::ApiError;
use crate::proto::v1;
use crate::routes::convert::time;

/// The most messages or threads a page holds, and how many when `limit` is left out.
pub const MAX_PAGE: u32 = 100;
/// The page size when `limit` is left out.
pub const DEFAULT_PAGE: u32 = 50;

/// An account as the contract shows it (never its tokens).
pub fn account(a: &MailAccount) -> v1::MailAccountInfo {
    v1::MailAccountInfo {
        id: a.id.to_string(),
        provider: a.provider.to_string(),
        address: a.address.clone(),
        display_name: a.display_name.clone(),
        status: a.status.as_str().to_owned(),
        progress: Some(v1::MailSyncProgress { stored: a.progress.stored, total: a.progress.total }),
        last_sync_at: a.last_sync_at.map(time).unwrap_or_default(),
        last_error: a.last_error.clone().unwrap_or_default(),
        created_at: time(a.created_at),
    }
}

/// A linked mailbox, and whether the link created its account.
pub fn linked(l: &Linked) -> v1::MailLinked {
    v1::MailLinked { account: Some(account(&l.account)), created: l.created }
}

/// A folder or label.
pub fn folder(f: &MailFolder) -> v1::MailFolderInfo {
    v1::MailFolderInfo {
        id: f.id.to_string(),
        account_id: f.account_id.to_string(),
        parent_id: f.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        name: f.name.clone(),
        kind: f.kind.as_str().to_owned(),
        role: f.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        total: f.total,
        unread: f.unread,
    }
}

/// A sender or recipient.
pub fn address(a: &MailAddress) -> v1::MailAddressInfo {
    v1::MailAddressInfo { address: a.address.clone(), name: a.name.clone() }
}

fn addresses(list: &[MailAddress]) -> Vec<v1::MailAddressInfo> {
    list.iter().map(address).collect()
}

/// A message as lists show it.
pub fn summary(m: &MessageSummary) -> v1::MailMessageSummary {
    v1::MailMessageSummary {
        id: m.id.to_string(),
        account_id: m.account_id.to_string(),
        thread_id: m.thread_key.clone(),
        folder_ids: m.folder_ids.iter().map(ToString::to_string).collect(),
        subject: m.subject.clone(),
        from: m.from.as_ref().map(address),
        received_at: time(m.received_at),
        unread: m.unread,
        has_attachments: m.has_attachments,
        snippet: m.snippet.clone(),
    }
}

fn attachment(a: &AttachmentMeta) -> v1::MailAttachmentInfo {
    v1::MailAttachmentInfo {
        id: a.id.clone(),
        name: a.name.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        inline: a.inline,
    }
}

/// A message with its headers, bodies and attachments.
pub fn message(m: &StoredMessage) -> v1::MailMessage {
    v1::MailMessage {
        id: m.id.to_string(),
        account_id: m.account_id.to_string(),
        thread_id: m.thread_key.clone(),
        folder_ids: m.folder_ids.iter().map(ToString::to_string).collect(),
        subject: m.subject.clone(),
        from: m.from.as_ref().map(address),
        to: addresses(&m.to),
        cc: addresses(&m.cc),
        received_at: time(m.received_at),
        sent_at: m.sent_at.map(time).unwrap_or_default(),
        unread: m.unread,
        has_attachments: m.has_attachments,
        snippet: m.snippet.clone(),
        internet_message_id: m.internet_message_id.clone().unwrap_or_default(),
        body: m.body.as_ref().map(|b| v1::MailBody { text: b.text.clone(), html: b.html.clone() }),
        attachments: m.attachments.iter().map(attachment).collect(),
    }
}

/// A conversation as thread lists show it.
pub fn thread_summary(t: &ThreadSummary) -> v1::MailThreadSummary {
    v1::MailThreadSummary {
        id: t.thread_key.clone(),
        account_id: t.account_id.to_string(),
        subject: t.subject.clone(),
        snippet: t.snippet.clone(),
        latest_at: time(t.latest_at),
        messages: t.messages,
        unread: t.unread,
        senders: addresses(&t.senders),
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError::NotFound(format!("no such {what}"))
}

/// An account id from the path; one that does not parse is not found.
///
/// # Errors
/// [`ApiError::NotFound`].
pub fn account_path(raw: &str) -> Result<MailAccountId, ApiError> {
    raw.parse().map_err(|_| not_found("mail account"))
}

/// A message id from the path; one that does not parse is not found.
///
/// # Errors
/// [`ApiError::NotFound`].
pub fn message_path(raw: &str) -> Result<MailMessageId, ApiError> {
    raw.parse().map_err(|_| not_found("message"))
}

/// An id from the query or a body: one that does not parse is a 422 naming `name`.
///
/// # Errors
/// [`ApiError::Validation`].
pub fn id_field<T: std::str::FromStr>(name: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::Validation(vec![FieldError::new(name, "invalid", format!("{name} is not an id"))])
    })
}

/// A query parameter the route needs. Checked in the handler rather than by the query's type,
/// so that a request without credentials is a 401 whatever its parameters.
///
/// # Errors
/// [`ApiError::Validation`] naming `name`.
pub fn required<'a>(name: &str, raw: Option<&'a str>) -> Result<&'a str, ApiError> {
    raw.filter(|r| !r.is_empty()).ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(name, "required", format!("{name} is required"))])
    })
}

/// An optional id from the query (empty: none).
///
/// # Errors
/// [`ApiError::Validation`] naming `name`.
pub fn optional_id<T: std::str::FromStr>(
    name: &str,
    raw: Option<&str>,
) -> Result<Option<T>, ApiError> {
    raw.filter(|r| !r.is_empty()).map(|r| id_field(name, r)).transpose()
}

/// An RFC 3339 time from the query (empty: none).
///
/// # Errors
/// [`ApiError::Validation`] naming `name`.
pub fn instant(name: &str, raw: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    raw.filter(|r| !r.is_empty())
        .map(|r| {
            DateTime::parse_from_rfc3339(r).map(|t| t.with_timezone(&Utc)).map_err(|_| {
                ApiError::Validation(vec![FieldError::new(
                    name,
                    "invalid",
                    format!("{name} must be an RFC 3339 time (2024-05-01T09:00:00Z)"),
                )])
            })
        })
        .transpose()
}

/// A page size from the query: 1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when left out.
///
/// # Errors
/// [`ApiError::Validation`] naming `limit`.
pub fn page_size(raw: Option<u32>) -> Result<u32, ApiError> {
    Ok(crate::routes::paging::limit(raw, MAX_PAGE)?.unwrap_or(DEFAULT_PAGE))
}
