//! Graph's `message`, `mailFolder` and `fileAttachment` resources as JSON.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

use crate::data::mail::{Address, Attachment, Mailbox, Message, content};

/// The properties `$select` may name on a message.
pub(crate) const MESSAGE_PROPERTIES: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "changeKey",
    "categories",
    "receivedDateTime",
    "sentDateTime",
    "hasAttachments",
    "internetMessageId",
    "internetMessageHeaders",
    "subject",
    "bodyPreview",
    "importance",
    "parentFolderId",
    "conversationId",
    "isDeliveryReceiptRequested",
    "isReadReceiptRequested",
    "isRead",
    "isDraft",
    "webLink",
    "inferenceClassification",
    "body",
    "sender",
    "from",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "flag",
];

pub(crate) const FOLDER_PROPERTIES: &[&str] = &[
    "id",
    "displayName",
    "parentFolderId",
    "childFolderCount",
    "unreadItemCount",
    "totalItemCount",
    "sizeInBytes",
    "isHidden",
];

pub(crate) const ATTACHMENT_PROPERTIES: &[&str] = &[
    "id",
    "lastModifiedDateTime",
    "name",
    "contentType",
    "size",
    "isInline",
    "contentId",
    "contentLocation",
    "contentBytes",
];

/// `2025-03-14T15:59:58Z`, Graph's `DateTimeOffset` in UTC.
pub(crate) fn date(us: i64) -> String {
    crate::control::micros(us).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn recipient(address: &Address) -> Value {
    json!({"emailAddress": {"name": address.name, "address": address.address}})
}

fn change_key(message: &Message) -> String {
    format!("CQAAABYAAA{}", URL_SAFE_NO_PAD.encode(message.changed_seq.to_be_bytes()))
}

/// The id of the hidden root folder (`msgfolderroot`), the parent of the top-level folders.
pub(crate) fn root_id(mailbox: &Mailbox) -> String {
    format!("AAMkAG{}AAEIAAA=", URL_SAFE_NO_PAD.encode(mailbox.user_id.as_bytes()))
}

/// Keeps `id`, the annotations, and the selected properties.
fn select(mut object: Map<String, Value>, select: Option<&[String]>) -> Value {
    if let Some(fields) = select {
        object.retain(|key, _| {
            key == "id"
                || key.starts_with('@')
                || fields.iter().any(|f| f.eq_ignore_ascii_case(key))
        });
    }
    Value::Object(object)
}

/// A message; `text_body` for `Prefer: outlook.body-content-type="text"`.
pub(crate) fn message(
    mailbox: &Mailbox,
    m: &Message,
    fields: Option<&[String]>,
    text_body: bool,
) -> Value {
    let folder_id = m.folder.and_then(|f| mailbox.folders.get(f)).map(|f| f.id.clone());
    let wants = |name: &str| fields.is_none_or(|f| f.iter().any(|x| x.eq_ignore_ascii_case(name)));
    let key = change_key(m);
    let mut object = Map::new();
    object.insert("@odata.etag".to_owned(), json!(format!("W/\"{key}\"")));
    object.insert("id".to_owned(), json!(m.id));
    object.insert("createdDateTime".to_owned(), json!(date(m.created_us)));
    object.insert("lastModifiedDateTime".to_owned(), json!(date(m.modified_us)));
    object.insert("changeKey".to_owned(), json!(key));
    object.insert("categories".to_owned(), json!([]));
    object.insert("receivedDateTime".to_owned(), json!(date(m.received_us)));
    object.insert("sentDateTime".to_owned(), json!(date(m.sent_us)));
    object.insert("hasAttachments".to_owned(), json!(m.attachments.iter().any(|a| !a.inline)));
    object.insert("internetMessageId".to_owned(), json!(m.internet_message_id));
    object.insert("subject".to_owned(), json!(m.subject));
    if wants("bodyPreview") {
        object.insert("bodyPreview".to_owned(), json!(m.preview()));
    }
    object.insert("importance".to_owned(), json!(m.importance));
    object.insert("parentFolderId".to_owned(), json!(folder_id));
    object.insert("conversationId".to_owned(), json!(m.conversation_id));
    object.insert("isDeliveryReceiptRequested".to_owned(), json!(false));
    object.insert("isReadReceiptRequested".to_owned(), json!(false));
    object.insert("isRead".to_owned(), json!(m.is_read));
    object.insert("isDraft".to_owned(), json!(m.is_draft));
    object.insert(
        "webLink".to_owned(),
        json!(format!(
            "https://outlook.office365.com/owa/?ItemID={}&exvsurl=1&viewmodel=ReadMessageItem",
            m.id
        )),
    );
    object.insert("inferenceClassification".to_owned(), json!("focused"));
    if wants("body") {
        let (kind, content) =
            if text_body { ("text", m.text_body()) } else { ("html", m.html_body()) };
        object.insert("body".to_owned(), json!({"contentType": kind, "content": content}));
    }
    object.insert("sender".to_owned(), recipient(&m.from));
    object.insert("from".to_owned(), recipient(&m.from));
    object.insert("toRecipients".to_owned(), m.to.iter().map(recipient).collect());
    object.insert("ccRecipients".to_owned(), m.cc.iter().map(recipient).collect());
    object.insert("bccRecipients".to_owned(), json!([]));
    object.insert("replyTo".to_owned(), json!([]));
    object.insert("flag".to_owned(), json!({"flagStatus": "notFlagged"}));
    // Headers come only when asked for, as on Graph.
    if fields.is_some_and(|f| f.iter().any(|x| x.eq_ignore_ascii_case("internetMessageHeaders"))) {
        let mut headers = vec![
            json!({"name": "Message-ID", "value": m.internet_message_id}),
            json!({"name": "Subject", "value": m.subject}),
            json!({"name": "From", "value": format!("{} <{}>", m.from.name, m.from.address)}),
        ];
        if let Some(parent) = &m.in_reply_to {
            headers.push(json!({"name": "In-Reply-To", "value": parent}));
            headers.push(json!({"name": "References", "value": parent}));
        }
        object.insert("internetMessageHeaders".to_owned(), Value::Array(headers));
    }
    select(object, fields)
}

/// A mail folder.
pub(crate) fn folder(mailbox: &Mailbox, index: usize, fields: Option<&[String]>) -> Value {
    let f = &mailbox.folders[index];
    let (total, unread, size) = mailbox.in_folder(index).fold((0, 0, 0u64), |(t, u, s), (_, m)| {
        (
            t + 1,
            u + usize::from(!m.is_read),
            s + m.body.len() as u64 + m.attachments.iter().map(|a| a.size).sum::<u64>(),
        )
    });
    let parent = f.parent.map_or_else(|| root_id(mailbox), |p| mailbox.folders[p].id.clone());
    let children = mailbox.folders.iter().filter(|c| c.parent == Some(index)).count();
    let mut object = Map::new();
    object.insert("id".to_owned(), json!(f.id));
    object.insert("displayName".to_owned(), json!(f.display_name));
    object.insert("parentFolderId".to_owned(), json!(parent));
    object.insert("childFolderCount".to_owned(), json!(children));
    object.insert("unreadItemCount".to_owned(), json!(unread));
    object.insert("totalItemCount".to_owned(), json!(total));
    object.insert("sizeInBytes".to_owned(), json!(size));
    object.insert("isHidden".to_owned(), json!(false));
    select(object, fields)
}

/// A file attachment, with its bytes in `contentBytes` (base64) unless `$select` leaves them out.
pub(crate) fn attachment(message: &Message, a: &Attachment, fields: Option<&[String]>) -> Value {
    let wants_bytes =
        fields.is_none_or(|f| f.iter().any(|x| x.eq_ignore_ascii_case("contentBytes")));
    let mut object = Map::new();
    object.insert("@odata.type".to_owned(), json!("#microsoft.graph.fileAttachment"));
    object.insert("@odata.mediaContentType".to_owned(), json!(a.content_type));
    object.insert("id".to_owned(), json!(a.id));
    object.insert("lastModifiedDateTime".to_owned(), json!(date(message.received_us)));
    object.insert("name".to_owned(), json!(a.name));
    object.insert("contentType".to_owned(), json!(a.content_type));
    object.insert("size".to_owned(), json!(a.size));
    object.insert("isInline".to_owned(), json!(a.inline));
    object.insert("contentId".to_owned(), Value::Null);
    object.insert("contentLocation".to_owned(), Value::Null);
    if wants_bytes {
        object.insert("contentBytes".to_owned(), json!(STANDARD.encode(content(a))));
    }
    select(object, fields)
}
