//! `messages.list` (search, `labelIds`, paging), `messages.get` in every `format`,
//! `messages.modify` and `messages.attachments.get`.

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use serde::Deserialize;
use serde_json::{Value, json};

use super::mime;
use super::model::{GmailBox, GmailMessage};
use super::search::Search;
use super::{Caller, GmailError, Need, all, next_token, one, page_size, page_token, query};
use crate::data::mail::content;
use crate::store::Store;

/// `format` of `messages.get` and `threads.get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Minimal,
    Metadata,
    Full,
    Raw,
}

impl Format {
    /// The request's `format` (default `full`); bodies need more than `gmail.metadata`.
    pub(crate) fn parse(args: &[(String, String)], caller: &Caller) -> Result<Self, GmailError> {
        let format = match one(args, "format").unwrap_or("full") {
            "minimal" => Self::Minimal,
            "metadata" => Self::Metadata,
            "full" => Self::Full,
            "raw" => Self::Raw,
            other => {
                return Err(GmailError::invalid(format!("Invalid value at 'format' ({other})")));
            }
        };
        if matches!(format, Self::Full | Self::Raw) && !caller.can_read() {
            return Err(GmailError::Forbidden(format!(
                "Metadata scope doesn't allow format {}",
                one(args, "format").unwrap_or("full").to_uppercase()
            )));
        }
        Ok(format)
    }
}

/// The `Message` resource in `format`; `headers` filters `metadata`'s headers; `reading`
/// numbers the attachment ids of `full` ([`super::Google::next_reading`]).
pub(crate) fn render(m: &GmailMessage, format: Format, headers: &[String], reading: u64) -> Value {
    let mut body = json!({
        "id": m.id,
        "threadId": m.thread_id,
        "labelIds": m.labels.iter().collect::<Vec<_>>(),
        "snippet": mime::snippet(m),
        "sizeEstimate": mime::size_estimate(m),
        "historyId": m.history_id.to_string(),
        "internalDate": m.internal_date_ms().to_string(),
    });
    match format {
        Format::Minimal => {}
        Format::Metadata => body["payload"] = mime::metadata_payload(m, headers),
        Format::Full => {
            let tree = mime::tree(m);
            body["payload"] = mime::payload(&tree, "", mime::message_headers(m), reading);
        }
        Format::Raw => {
            let raw = mime::raw(m);
            body["sizeEstimate"] = json!(raw.len());
            body["raw"] = json!(URL_SAFE.encode(raw));
        }
    }
    body
}

pub(super) async fn list(
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Metadata)?;
    let args = query(&req);
    if one(&args, "q").is_some() && !caller.can_read() {
        return Err(GmailError::Forbidden(
            "Metadata scope does not support 'q' parameter".to_owned(),
        ));
    }
    let size = page_size(&args, 100, 500)?;
    let offset = page_token(&args)?;
    let now_ms = store.read().clock_us / 1000;
    let google = store.google();
    let mailbox = &google.mailboxes[caller.mailbox];
    let search = search(&args, mailbox, now_ms)?;
    let mut found: Vec<&GmailMessage> =
        mailbox.live().map(|(_, m)| m).filter(|m| search.matches(m)).collect();
    // Newest first; ids break ties so pages never overlap.
    found.sort_by(|a, b| (b.internal_date_ms(), &b.id).cmp(&(a.internal_date_ms(), &a.id)));
    let total = found.len();
    let page: Vec<Value> = found
        .iter()
        .skip(offset)
        .take(size)
        .map(|m| json!({"id": m.id, "threadId": m.thread_id}))
        .collect();
    let mut body = json!({});
    if !page.is_empty() {
        body["messages"] = Value::Array(page);
    }
    if offset + size < total {
        body["nextPageToken"] = json!(next_token(offset + size));
    }
    body["resultSizeEstimate"] = json!(total);
    Ok(HttpResponse::Ok().json(body))
}

fn search(
    args: &[(String, String)],
    mailbox: &GmailBox,
    now_ms: i64,
) -> Result<Search, GmailError> {
    let label_ids: Vec<String> = all(args, "labelIds").into_iter().map(str::to_owned).collect();
    if let Some(unknown) = label_ids.iter().find(|l| !mailbox.has_label(l)) {
        return Err(GmailError::invalid(format!("Invalid label: {unknown}")));
    }
    let spam_trash = one(args, "includeSpamTrash") == Some("true");
    Search::parse(one(args, "q"), label_ids, spam_trash, mailbox, now_ms)
}

/// What `messages.get` and `threads.get` take: the caller, the `format` and the
/// `metadataHeaders` asked for.
pub(crate) fn reading(
    req: &HttpRequest,
    store: &Store,
) -> Result<(Caller, Format, Vec<String>), GmailError> {
    let caller = Caller::authenticate(req, store, Need::Metadata)?;
    let args = query(req);
    let format = Format::parse(&args, &caller)?;
    let headers = all(&args, "metadataHeaders").into_iter().map(str::to_owned).collect();
    Ok((caller, format, headers))
}

pub(super) async fn get(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let (caller, format, headers) = reading(&req, &store)?;
    let mut google = store.google();
    let number = google.next_reading();
    let mailbox = &google.mailboxes[caller.mailbox];
    let index = mailbox.index(&path.1).ok_or_else(|| not_found(&path.1))?;
    Ok(HttpResponse::Ok().json(render(&mailbox.messages[index], format, &headers, number)))
}

/// 400 for an id that cannot be one (Gmail's ids are hex), else 404.
pub(crate) fn not_found(id: &str) -> GmailError {
    if id.bytes().all(|b| b.is_ascii_hexdigit()) {
        GmailError::NotFound
    } else {
        GmailError::invalid("Invalid id value")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Modify {
    #[serde(default)]
    add_label_ids: Vec<String>,
    #[serde(default)]
    remove_label_ids: Vec<String>,
}

/// Labels a client may not set or clear through `modify`.
const FIXED: &[&str] = &["DRAFT", "SENT", "CHAT"];

pub(super) async fn modify(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Modify)?;
    let change: Modify = serde_json::from_slice(&body)
        .map_err(|e| GmailError::invalid(format!("Invalid JSON payload received. {e}")))?;
    let mut google = store.google();
    let mailbox = &mut google.mailboxes[caller.mailbox];
    for label in change.add_label_ids.iter().chain(&change.remove_label_ids) {
        if !mailbox.has_label(label) || FIXED.contains(&label.as_str()) {
            return Err(GmailError::invalid(format!("Invalid label: {label}")));
        }
    }
    let index = mailbox.index(&path.1).ok_or_else(|| not_found(&path.1))?;
    mailbox.relabel(index, &change.add_label_ids, &change.remove_label_ids);
    let m = &mailbox.messages[index];
    Ok(HttpResponse::Ok().json(json!({
        "id": m.id, "threadId": m.thread_id, "labelIds": m.labels.iter().collect::<Vec<_>>(),
    })))
}

pub(super) async fn attachment(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Read)?;
    let (_, id, attachment) = path.into_inner();
    let found = {
        let google = store.google();
        let mailbox = &google.mailboxes[caller.mailbox];
        let index = mailbox.index(&id).ok_or_else(|| not_found(&id))?;
        mailbox.messages[index]
            .message
            .attachments
            .iter()
            .find(|a| mime::names(&attachment, a))
            .cloned()
            .ok_or(GmailError::NotFound)?
    };
    // Generated outside the lock: a large attachment takes a moment.
    let bytes = content(&found);
    Ok(HttpResponse::Ok().json(json!({
        "attachmentId": attachment, "size": bytes.len(), "data": URL_SAFE.encode(&bytes),
    })))
}
