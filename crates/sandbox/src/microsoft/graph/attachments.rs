//! `GET /me/messages/{id}/attachments`, `/attachments/{id}` (file attachments with
//! `contentBytes`, which `$select` may leave out) and `/attachments/{id}/$value` (the raw
//! bytes, streamed chunk by chunk with their `Content-Length`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::odata::Query;
use super::render::{ATTACHMENT_PROPERTIES, attachment};
use super::{Caller, GraphError, base};
use crate::data::mail::stream;
use crate::store::Store;

const TYPE: &str = "microsoft.graph.attachment";

pub(super) async fn list(
    req: HttpRequest,
    id: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let caller = Caller::authenticate(&req, &store)?;
    caller.require_read()?;
    let query = Query::parse(&req, ATTACHMENT_PROPERTIES, TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let message = &mailbox.messages[mailbox.message_index(&id).ok_or(GraphError::NotFound)?];
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
    let caller = Caller::authenticate(&req, &store)?;
    caller.require_read()?;
    let query = Query::parse(&req, ATTACHMENT_PROPERTIES, TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let message = &mailbox.messages[mailbox.message_index(&ids.0).ok_or(GraphError::NotFound)?];
    let found = message.attachments.iter().find(|a| a.id == ids.1).ok_or(GraphError::NotFound)?;
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
    let caller = Caller::authenticate(&req, &store)?;
    caller.require_read()?;
    let found = {
        let state = store.read();
        let mailbox = &state.microsoft.mailboxes[caller.mailbox];
        let message =
            &mailbox.messages[mailbox.message_index(&ids.0).ok_or(GraphError::NotFound)?];
        message.attachments.iter().find(|a| a.id == ids.1).cloned().ok_or(GraphError::NotFound)?
    };
    Ok(HttpResponse::Ok()
        .content_type(found.content_type)
        .no_chunking(found.size)
        .streaming(stream(found)))
}
