//! Each message as a MIME tree, rendered two ways from the same tree so they always agree:
//! Gmail's `payload` (`format=full`: parts with `partId`, `mimeType`, `filename`, `headers`,
//! `body` with base64url `data` or an `attachmentId`) and the RFC 5322 message of
//! `format=raw`, written by `mail-builder` so it is real MIME.
//!
//! Shapes: plain text alone; `multipart/alternative` (text and HTML) for HTML mail;
//! `multipart/mixed` around either when files are attached (so alternative nests in mixed).
//! Plain text that fits ISO-8859-1 (French mail) is sent in that charset, as older clients
//! do, and comes out quoted-printable in `raw`.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use mail_builder::MessageBuilder;
use mail_builder::encoders::base64::base64_encode_mime;
use mail_builder::encoders::encode::{EncodingType, get_encoding_type};
use mail_builder::headers::address::Address as MimeAddress;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::{BodyPart, MimePart};
use serde_json::{Value, json};

use super::model::GmailMessage;
use crate::data::mail::{Address, Attachment, content};

/// A node of the tree.
#[derive(Debug)]
pub(crate) enum Part<'a> {
    Multipart { subtype: &'static str, boundary: String, parts: Vec<Part<'a>> },
    Text { mime: &'static str, charset: &'static str, bytes: Vec<u8> },
    File(&'a Attachment),
}

/// The message's tree.
pub(crate) fn tree(m: &GmailMessage) -> Part<'_> {
    let message = &m.message;
    let text = crlf(&message.text_body());
    let body = if message.html {
        Part::Multipart {
            subtype: "alternative",
            boundary: boundary(&m.id, 'a'),
            parts: vec![
                Part::Text { mime: "text/plain", charset: "UTF-8", bytes: text.into_bytes() },
                Part::Text {
                    mime: "text/html",
                    charset: "UTF-8",
                    bytes: message.body.clone().into_bytes(),
                },
            ],
        }
    } else {
        match latin1(&text) {
            Some(bytes) => Part::Text { mime: "text/plain", charset: "ISO-8859-1", bytes },
            None => Part::Text { mime: "text/plain", charset: "UTF-8", bytes: text.into_bytes() },
        }
    };
    if message.attachments.is_empty() {
        return body;
    }
    let mut parts = vec![body];
    parts.extend(message.attachments.iter().map(Part::File));
    Part::Multipart { subtype: "mixed", boundary: boundary(&m.id, 'm'), parts }
}

/// Text with the CRLF line ends of a MIME body: `body.data` holds the part's bytes as
/// they travel, the same as `raw`'s.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// Boundaries shaped like Gmail's (`000000000000…`), fixed per message so `raw` is stable.
fn boundary(id: &str, kind: char) -> String {
    format!("000000000000{id}{kind}")
}

/// The text in ISO-8859-1 when it needs more than ASCII and fits that charset.
fn latin1(text: &str) -> Option<Vec<u8>> {
    if text.is_ascii() {
        return None;
    }
    text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// The transfer encoding `mail-builder` picks for a body (the same function it calls).
fn transfer_encoding(bytes: &[u8]) -> &'static str {
    match get_encoding_type(bytes, false, true) {
        EncodingType::Base64 => "base64",
        EncodingType::QuotedPrintable(_) => "quoted-printable",
        EncodingType::None => "7bit",
    }
}

/// Gmail's attachment id for an attachment in one reading (opaque to clients). Gmail hands
/// out a different `attachmentId` for the same part on every `messages.get`, so clients
/// that keep one id per attachment learn here that they cannot: the id carries the reading's
/// number. Every id handed out stays good for `messages.attachments.get`.
pub(crate) fn attachment_id(attachment: &Attachment, reading: u64) -> String {
    let token = format!("{reading}.{}", attachment.id.trim_end_matches('='));
    format!("ANGjdJ{}", URL_SAFE_NO_PAD.encode(token))
}

/// Whether `id` is an attachment id [`attachment_id`] gave `attachment`, in any reading.
pub(crate) fn names(id: &str, attachment: &Attachment) -> bool {
    let token = id.strip_prefix("ANGjdJ").and_then(|t| URL_SAFE_NO_PAD.decode(t).ok());
    let token = token.as_deref().and_then(|t| std::str::from_utf8(t).ok()).unwrap_or_default();
    token.split_once('.').is_some_and(|(reading, stable)| {
        reading.parse::<u64>().is_ok() && stable == attachment.id.trim_end_matches('=')
    })
}

fn header(name: &str, value: impl Into<String>) -> Value {
    json!({"name": name, "value": value.into()})
}

fn mailbox(address: &Address) -> String {
    if address.name.is_empty() || address.name == address.address {
        address.address.clone()
    } else {
        format!("{} <{}>", address.name, address.address)
    }
}

fn list(addresses: &[Address]) -> String {
    addresses.iter().map(mailbox).collect::<Vec<_>>().join(", ")
}

/// The message's own headers (decoded, as Gmail lists them in `payload.headers`).
pub(crate) fn message_headers(m: &GmailMessage) -> Vec<Value> {
    let message = &m.message;
    let date = crate::control::micros(message.sent_us).to_rfc2822();
    let mut headers = vec![
        header("MIME-Version", "1.0"),
        header("Date", date),
        header("Message-ID", message.internet_message_id.clone()),
    ];
    if let Some(parent) = &message.in_reply_to {
        headers.push(header("In-Reply-To", parent.clone()));
        headers.push(header("References", parent.clone()));
    }
    headers.push(header("Subject", message.subject.clone()));
    headers.push(header("From", mailbox(&message.from)));
    headers.push(header("To", list(&message.to)));
    if !message.cc.is_empty() {
        headers.push(header("Cc", list(&message.cc)));
    }
    headers
}

fn content_headers(part: &Part<'_>) -> Vec<Value> {
    match part {
        Part::Multipart { subtype, boundary, .. } => {
            vec![header("Content-Type", format!("multipart/{subtype}; boundary=\"{boundary}\""))]
        }
        Part::Text { mime, charset, bytes } => vec![
            header("Content-Type", format!("{mime}; charset=\"{charset}\"")),
            header("Content-Transfer-Encoding", transfer_encoding(bytes)),
        ],
        Part::File(a) => vec![
            header("Content-Type", format!("{}; name=\"{}\"", a.content_type, a.name)),
            header("Content-Disposition", format!("attachment; filename=\"{}\"", a.name)),
            header("Content-Transfer-Encoding", "base64"),
            header("X-Attachment-Id", a.id.trim_end_matches('=').to_owned()),
        ],
    }
}

/// Gmail's `payload` for `format=full`; `top` are the message headers of the root part;
/// `reading` numbers this reading's attachment ids.
pub(crate) fn payload(part: &Part<'_>, part_id: &str, top: Vec<Value>, reading: u64) -> Value {
    let mut headers = top;
    headers.extend(content_headers(part));
    match part {
        Part::Multipart { subtype, parts, .. } => {
            let children: Vec<Value> = parts
                .iter()
                .enumerate()
                .map(|(i, child)| {
                    let id =
                        if part_id.is_empty() { i.to_string() } else { format!("{part_id}.{i}") };
                    payload(child, &id, Vec::new(), reading)
                })
                .collect();
            json!({"partId": part_id, "mimeType": format!("multipart/{subtype}"), "filename": "",
                   "headers": headers, "body": {"size": 0}, "parts": children})
        }
        Part::Text { mime, bytes, .. } => json!({
            "partId": part_id, "mimeType": mime, "filename": "", "headers": headers,
            "body": {"size": bytes.len(), "data": URL_SAFE.encode(bytes)},
        }),
        Part::File(a) => json!({
            "partId": part_id, "mimeType": a.content_type, "filename": a.name, "headers": headers,
            "body": {"attachmentId": attachment_id(a, reading), "size": a.size},
        }),
    }
}

/// The root part for `format=metadata`: headers only (all, or those named).
pub(crate) fn metadata_payload(m: &GmailMessage, wanted: &[String]) -> Value {
    let part = tree(m);
    let mut headers = message_headers(m);
    headers.extend(content_headers(&part));
    if !wanted.is_empty() {
        headers.retain(|h| {
            let name = h["name"].as_str().unwrap_or("");
            wanted.iter().any(|w| w.eq_ignore_ascii_case(name))
        });
    }
    let mime = match &part {
        Part::Multipart { subtype, .. } => format!("multipart/{subtype}"),
        Part::Text { mime, .. } => (*mime).to_owned(),
        Part::File(a) => a.content_type.to_owned(),
    };
    json!({"partId": "", "mimeType": mime, "filename": "", "headers": headers, "body": {"size": 0}})
}

fn mime_part(part: Part<'_>) -> MimePart<'static> {
    match part {
        Part::Multipart { subtype, boundary, parts } => MimePart::new(
            ContentType::new(format!("multipart/{subtype}")).attribute("boundary", boundary),
            BodyPart::Multipart(parts.into_iter().map(mime_part).collect()),
        ),
        Part::Text { mime, charset, bytes } => MimePart::new(
            ContentType::new(mime).attribute("charset", charset),
            BodyPart::Binary(Cow::Owned(bytes)),
        ),
        Part::File(a) => {
            let mut encoded = Vec::with_capacity(a.size as usize * 4 / 3 + 64);
            // Written to a Vec: cannot fail.
            let _ = base64_encode_mime(&content(a), &mut encoded, false);
            MimePart::new(
                ContentType::new(a.content_type).attribute("name", a.name.clone()),
                BodyPart::Binary(Cow::Owned(encoded)),
            )
            .attachment(a.name.clone())
            .header(
                "X-Attachment-Id",
                mail_builder::headers::raw::Raw::new(a.id.trim_end_matches('=').to_owned()),
            )
            .transfer_encoding("base64")
        }
    }
}

fn mime_address(address: &Address) -> MimeAddress<'static> {
    MimeAddress::new_address(Some(address.name.clone()), address.address.clone())
}

fn bare_id(id: &str) -> String {
    id.trim_start_matches('<').trim_end_matches('>').to_owned()
}

/// The RFC 5322 message.
pub(crate) fn raw(m: &GmailMessage) -> Vec<u8> {
    let message = &m.message;
    let mut builder = MessageBuilder::new()
        .from(mime_address(&message.from))
        .to(MimeAddress::new_list(message.to.iter().map(mime_address).collect()))
        .subject(message.subject.clone())
        .message_id(bare_id(&message.internet_message_id))
        .date(mail_builder::headers::date::Date::new(message.sent_us / 1_000_000));
    if !message.cc.is_empty() {
        builder = builder.cc(MimeAddress::new_list(message.cc.iter().map(mime_address).collect()));
    }
    if let Some(parent) = &message.in_reply_to {
        builder = builder.in_reply_to(bare_id(parent)).references(bare_id(parent));
    }
    builder.body(mime_part(tree(m))).write_to_vec().unwrap_or_default()
}

/// `sizeEstimate`: the size of the raw message, without generating attachment bytes.
pub(crate) fn size_estimate(m: &GmailMessage) -> u64 {
    let message = &m.message;
    let text = message.body.len() as u64 * if message.html { 2 } else { 1 };
    let files: u64 = message.attachments.iter().map(|a| a.size * 4 / 3 + 300).sum();
    900 + message.subject.len() as u64 + text + files
}

/// `snippet`: the start of the text, HTML-escaped as Gmail sends it.
pub(crate) fn snippet(m: &GmailMessage) -> String {
    let preview: String = m.message.preview().chars().take(200).collect();
    preview
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
        .replace('"', "&quot;")
}
