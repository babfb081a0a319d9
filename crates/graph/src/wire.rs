//! Graph's JSON (<https://learn.microsoft.com/graph/api/resources/mail-api-overview>) as far
//! as we read it, and its conversion to the domain's values. Every property is optional on
//! the wire (`$select`, delta entries), so absence is decided here, once.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use switchboard_domain::mail::{AttachmentMeta, MailAddress, MessageBody, ProviderMessage};
use switchboard_ports::mail::MailError;

/// The message properties a listing asks for (`$select`): what we store, with the body as plain
/// text (asked with `Prefer: outlook.body-content-type="text"`), so full-text search covers it
/// from the first sync; the HTML body is read when the message is opened.
pub(crate) const LISTED: &str = "id,conversationId,parentFolderId,subject,from,toRecipients,\
ccRecipients,receivedDateTime,sentDateTime,isRead,hasAttachments,bodyPreview,internetMessageId,body";

/// The preference that makes Graph answer bodies as plain text.
pub(crate) const TEXT_BODY: &str = r#"outlook.body-content-type="text""#;

/// The attachment properties we read: never `contentBytes` (the content is streamed apart).
pub(crate) const ATTACHMENT_FIELDS: &str = "id,name,contentType,size,isInline";

/// `GET /me`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User {
    pub id: String,
    pub display_name: Option<String>,
    pub mail: Option<String>,
    pub user_principal_name: Option<String>,
}

/// A collection page: `value`, and `@odata.nextLink` or (delta) `@odata.deltaLink`.
#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink")]
    pub delta_link: Option<String>,
}

/// A `mailFolder`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Folder {
    pub id: String,
    pub display_name: Option<String>,
    pub parent_folder_id: Option<String>,
    pub child_folder_count: Option<u64>,
    pub total_item_count: Option<u64>,
    pub unread_item_count: Option<u64>,
}

/// Only a folder's id (`GET /me/mailFolders/{wellKnownName}?$select=id`).
#[derive(Debug, Deserialize)]
pub(crate) struct FolderId {
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Recipient {
    email_address: Option<EmailAddress>,
}

#[derive(Debug, Deserialize)]
struct EmailAddress {
    name: Option<String>,
    address: Option<String>,
}

impl Recipient {
    fn address(self) -> Option<MailAddress> {
        let email = self.email_address?;
        let address = email.address.filter(|a| !a.is_empty())?;
        Some(MailAddress { name: email.name.filter(|n| !n.is_empty()), address })
    }
}

/// An item body: `contentType` `html` or `text`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ItemBody {
    pub content_type: Option<String>,
    pub content: Option<String>,
}

impl ItemBody {
    pub(crate) fn is_html(&self) -> bool {
        self.content_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("html"))
    }
}

/// A `message`, or a delta entry: `{"id", "@removed": {"reason"}}` for one gone.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Message {
    pub id: String,
    #[serde(rename = "@removed")]
    pub removed: Option<serde_json::Value>,
    conversation_id: Option<String>,
    parent_folder_id: Option<String>,
    subject: Option<String>,
    from: Option<Recipient>,
    #[serde(default)]
    to_recipients: Vec<Recipient>,
    #[serde(default)]
    cc_recipients: Vec<Recipient>,
    received_date_time: Option<DateTime<Utc>>,
    sent_date_time: Option<DateTime<Utc>>,
    is_read: Option<bool>,
    has_attachments: Option<bool>,
    body_preview: Option<String>,
    internet_message_id: Option<String>,
    pub body: Option<ItemBody>,
}

impl Message {
    /// The domain's message, without body or attachments.
    pub(crate) fn into_domain(self) -> Result<ProviderMessage, MailError> {
        let received_at = self.received_date_time.ok_or_else(|| {
            MailError::InvalidResponse(format!("message {} has no receivedDateTime", self.id))
        })?;
        let recipients = |list: Vec<Recipient>| list.into_iter().filter_map(Recipient::address);
        Ok(ProviderMessage {
            thread_id: self.conversation_id.unwrap_or_else(|| self.id.clone()),
            id: self.id,
            folder_ids: self.parent_folder_id.into_iter().collect(),
            subject: self.subject.unwrap_or_default(),
            from: self.from.and_then(Recipient::address),
            to: recipients(self.to_recipients).collect(),
            cc: recipients(self.cc_recipients).collect(),
            received_at,
            sent_at: self.sent_date_time,
            unread: !self.is_read.unwrap_or(true),
            has_attachments: self.has_attachments.unwrap_or(false),
            snippet: self.body_preview.unwrap_or_default(),
            internet_message_id: self.internet_message_id,
            // A listing keeps the plain-text body (the HTML one comes with the message); one
            // answered in HTML all the same (the preference not honoured) gives its text.
            body: self.body.map(|b| {
                let text =
                    if b.is_html() { MessageBody::new(None, b.content).text } else { b.content };
                MessageBody { text, html: None }
            }),
            attachments: Vec::new(),
        })
    }
}

/// An `attachment` (file, item or reference attachment).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Attachment {
    id: String,
    name: Option<String>,
    content_type: Option<String>,
    size: Option<u64>,
    is_inline: Option<bool>,
}

impl From<Attachment> for AttachmentMeta {
    fn from(a: Attachment) -> Self {
        Self {
            name: a.name.unwrap_or_default(),
            content_type: a.content_type.unwrap_or_else(|| "application/octet-stream".to_owned()),
            size: a.size.unwrap_or(0),
            inline: a.is_inline.unwrap_or(false),
            id: a.id,
        }
    }
}

/// Graph's error body: `{"error": {"code", "message"}}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub error: ErrorDetail,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn a_sparse_message_converts_and_a_removed_entry_is_recognised() {
        let message: Message = serde_json::from_str(
            r#"{"id":"m1","receivedDateTime":"2025-03-14T15:59:58Z","isRead":false,
                "from":{"emailAddress":{"name":"","address":"ada@example.com"}},
                "toRecipients":[{"emailAddress":{"address":""}},{"emailAddress":{"name":"Bo","address":"bo@example.com"}}]}"#,
        )
        .unwrap();
        let m = message.into_domain().unwrap();
        assert_eq!((m.thread_id.as_str(), m.unread, m.folder_ids.len()), ("m1", true, 0));
        assert_eq!(m.from.map(|f| (f.name, f.address)), Some((None, "ada@example.com".into())));
        assert_eq!(m.to.len(), 1);
        let removed: Message =
            serde_json::from_str(r#"{"id":"m2","@removed":{"reason":"deleted"}}"#).unwrap();
        assert!(removed.removed.is_some());
        assert!(matches!(removed.into_domain(), Err(MailError::InvalidResponse(_))));
    }
}
