//! `GET /me/messages/{id}/attachments`, `/attachments/{id}` (file attachments with
//! `contentBytes`, which `$select` may leave out) and `/attachments/{id}/$value` (the raw
//! bytes, streamed chunk by chunk with their `Content-Length`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::render::{ATTACHMENT_PROPERTIES, attachment};
use super::{GraphError, base, reading};
use crate::data::mail::{Attachment, Mailbox, Message, stream};
use crate::store::Store;

const TYPE: &str = "microsoft.graph.attachment";

/// The caller's live message with `id`.
fn message<'a>(mailbox: &'a Mailbox, id: &str) -> Result<&'a Message, GraphError> {
    Ok(&mailbox.messages[mailbox.message_index(id).ok_or(GraphError::NotFound)?])
}

/// The attachment `ids.1` of the caller's message `ids.0`.
fn find<'a>(
    mailbox: &'a Mailbox,
    ids: &(String, String),
) -> Result<(&'a Message, &'a Attachment), GraphError> {
    let message = message(mailbox, &ids.0)?;
    let found = message.attachments.iter().find(|a| a.id == ids.1).ok_or(GraphError::NotFound)?;
    Ok((message, found))
}

pub(super) async fn list(
    req: HttpRequest,
    id: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, _) = reading(&req, &store, ATTACHMENT_PROPERTIES, TYPE)?;
    let state = store.read();
    let message = message(&state.microsoft.mailboxes[caller.mailbox], &id)?;
    let value: Vec<Value> = message
        .attachments
        .iter()
        .map(|a| attachment(message, a, query.select.as_deref()))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "@odata.context": format!("{}/$metadata#users('{}')/messages('{}')/attachments", base(&store), caller.user_id, message.id),
        "value": value,
    })))
}

pub(super) async fn get(
    req: HttpRequest,
    ids: web::Path<(String, String)>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, _) = reading(&req, &store, ATTACHMENT_PROPERTIES, TYPE)?;
    let state = store.read();
    let (message, found) = find(&state.microsoft.mailboxes[caller.mailbox], &ids)?;
    let mut body = attachment(message, found, query.select.as_deref());
    body["@odata.context"] = json!(format!(
        "{}/$metadata#users('{}')/messages('{}')/attachments/$entity",
        base(&store),
        caller.user_id,
        message.id
    ));
    Ok(HttpResponse::Ok().json(body))
}

pub(super) async fn value(
    req: HttpRequest,
    ids: web::Path<(String, String)>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let (caller, _, _) = reading(&req, &store, ATTACHMENT_PROPERTIES, TYPE)?;
    let found = find(&store.read().microsoft.mailboxes[caller.mailbox], &ids)?.1.clone();
    Ok(HttpResponse::Ok()
        .content_type(found.content_type)
        .no_chunking(found.size)
        .streaming(stream(found)))
}
