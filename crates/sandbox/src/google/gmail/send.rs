//! `messages.send`: the RFC 5322 message as base64url `raw` in JSON
//! (`POST …/messages/send`), or uploaded (`POST /upload/…/messages/send` with
//! `uploadType=media`, the message itself, or `uploadType=multipart`, a `multipart/related`
//! body of the JSON metadata then the message, which is what Google's client libraries send).
//! The message is read with `mail-parser`; Gmail sets `From` to the sender, files the copy
//! under `SENT` and delivers it, `UNREAD` in `INBOX`, to recipients who have a mailbox here.

use std::collections::BTreeSet;

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mail_parser::{MessageParser, PartType};
use serde::Deserialize;
use serde_json::json;

use super::{Caller, GmailError, Need, one, query};
use crate::data::mail::{Address, Message};
use crate::store::Store;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Outgoing {
    raw: Option<String>,
    thread_id: Option<String>,
}

/// Base64url as Gmail takes it: padded or not, and the standard alphabet too.
fn decode(raw: &str) -> Result<Vec<u8>, GmailError> {
    let normalized: String = raw
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    URL_SAFE_NO_PAD
        .decode(normalized.as_bytes())
        .map_err(|_| GmailError::invalid("Invalid value for ByteString"))
}

pub(super) async fn send(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Send)?;
    let outgoing: Outgoing = serde_json::from_slice(&body)
        .map_err(|e| GmailError::invalid(format!("Invalid JSON payload received. {e}")))?;
    let raw = outgoing.raw.as_deref().ok_or_else(|| {
        GmailError::invalid(
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        )
    })?;
    deliver(&store, caller.mailbox, &decode(raw)?, outgoing.thread_id)
}

pub(super) async fn upload(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Send)?;
    let args = query(&req);
    match one(&args, "uploadType") {
        Some("media") => deliver(&store, caller.mailbox, &body, None),
        Some("multipart") => {
            let content_type =
                req.headers().get("Content-Type").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let mut envelope = format!("Content-Type: {content_type}\r\n\r\n").into_bytes();
            envelope.extend_from_slice(&body);
            let parsed = MessageParser::default()
                .parse(&envelope)
                .ok_or_else(|| GmailError::invalid("Invalid multipart request"))?;
            let leaves: Vec<_> =
                parsed.parts.iter().filter(|p| !matches!(p.body, PartType::Multipart(_))).collect();
            let (Some(metadata), Some(message)) = (leaves.first(), leaves.get(1)) else {
                return Err(GmailError::invalid("Invalid multipart request with 0 mime parts."));
            };
            let outgoing: Outgoing =
                serde_json::from_slice(metadata.contents()).unwrap_or_default();
            deliver(&store, caller.mailbox, message.contents(), outgoing.thread_id)
        }
        _ => Err(GmailError::invalid("Invalid uploadType: use media or multipart")),
    }
}

fn addresses(list: Option<&mail_parser::Address<'_>>) -> Vec<Address> {
    list.map(|l| {
        l.iter()
            .filter_map(|a| {
                let address = a.address()?.to_owned();
                Some(Address { name: a.name().unwrap_or(&address).to_owned(), address })
            })
            .collect()
    })
    .unwrap_or_default()
}

fn deliver(
    store: &Store,
    sender: usize,
    raw: &[u8],
    thread_id: Option<String>,
) -> Result<HttpResponse, GmailError> {
    let parsed = MessageParser::default()
        .parse(raw)
        .filter(|m| !m.headers().is_empty())
        .ok_or_else(|| GmailError::invalid("Invalid RFC822 message"))?;
    let to = addresses(parsed.to());
    let cc = addresses(parsed.cc());
    if to.is_empty() && cc.is_empty() {
        return Err(GmailError::invalid("Recipient address required"));
    }
    let html = parsed.parts.iter().any(|p| matches!(p.body, PartType::Html(_)));
    let body = if html { parsed.body_html(0) } else { parsed.body_text(0) };
    let body = body.map(std::borrow::Cow::into_owned).unwrap_or_default();
    let subject = parsed.subject().unwrap_or_default().to_owned();
    let in_reply_to = parsed.in_reply_to().as_text().map(|id| format!("<{id}>"));
    let at = store.write().tick();
    let mut google = store.google();
    let from = {
        let mailbox = &google.mailboxes[sender];
        Address { name: mailbox.display_name.clone(), address: mailbox.address.clone() }
    };
    let internet_message_id = match parsed.message_id() {
        Some(id) => format!("<{id}>"),
        None => format!("<{:x}.{sender}@mail.gmail.com>", at),
    };
    let thread =
        thread_id.filter(|t| google.mailboxes[sender].live().any(|(_, m)| &m.thread_id == t));
    let mut message = Message::arriving(from, to, subject, body, html, at);
    message.internet_message_id = internet_message_id;
    message.in_reply_to = in_reply_to;
    message.cc = cc;
    message.is_read = true;
    let recipients: Vec<usize> = message
        .to
        .iter()
        .chain(&message.cc)
        .filter_map(|a| google.mailbox_index(&a.address).filter(|_| !a.address.is_empty()))
        .filter(|&i| i != sender)
        .collect();
    let sent_labels = BTreeSet::from(["SENT".to_owned()]);
    let mailbox = &mut google.mailboxes[sender];
    let index = mailbox.add(message.clone(), sent_labels, thread);
    let sent = &mailbox.messages[index];
    let answer = json!({"id": sent.id, "threadId": sent.thread_id, "labelIds": ["SENT"]});
    for recipient in recipients {
        let labels = ["INBOX", "UNREAD", "CATEGORY_PERSONAL"].map(str::to_owned);
        let mut copy = message.clone();
        copy.is_read = false;
        google.mailboxes[recipient].add(copy, BTreeSet::from(labels), None);
    }
    Ok(HttpResponse::Ok().json(answer))
}
