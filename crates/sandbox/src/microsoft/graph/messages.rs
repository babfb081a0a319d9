//! `GET /me/messages`, `/me/mailFolders/{id}/messages` (`$select`, `$top`, `$skip` with
//! `@odata.nextLink`, `$filter` on `receivedDateTime`/`isRead`/`hasAttachments`, `$orderby
//! receivedDateTime`, `Prefer: odata.maxpagesize`), `GET /me/messages/{id}` (body as HTML or
//! text per `Prefer: outlook.body-content-type`) and `PATCH /me/messages/{id}` (`isRead`,
//! which needs `Mail.ReadWrite`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::odata::{Prefer, page};
use super::render::{MESSAGE_PROPERTIES, message};
use super::{Caller, GraphError, base, collection, ok, payload, reading, self_url};
use crate::store::Store;

pub(crate) const TYPE: &str = "microsoft.graph.message";

fn listing(
    req: &HttpRequest,
    store: &Store,
    folder: Option<&str>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, prefer) = reading(req, store, MESSAGE_PROPERTIES, TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let folder = match folder {
        Some(key) => Some(mailbox.folder_index(key).ok_or(GraphError::NotFound)?),
        None => None,
    };
    let mut found: Vec<&crate::data::mail::Message> = mailbox
        .messages
        .iter()
        .filter(|m| m.folder.is_some() && (folder.is_none() || m.folder == folder))
        .filter(|m| query.matches(m.received_us, m.is_read, !m.attachments.is_empty()))
        .collect();
    // Newest first by default; ties broken by id so pages never overlap.
    found.sort_by(|a, b| (a.received_us, &a.id).cmp(&(b.received_us, &b.id)));
    if !query.ascending {
        found.reverse();
    }
    let (found, next, count) = page(found, &query, &prefer, 10, &self_url(req, store));
    let value: Vec<Value> = found
        .into_iter()
        .map(|m| message(mailbox, m, query.select.as_deref(), prefer.text_body))
        .collect();
    let context = format!("{}/$metadata#users('{}')/messages", base(store), caller.user_id);
    Ok(collection(&prefer, context, value, next, count))
}

pub(super) async fn all(
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    listing(&req, &store, None)
}

pub(super) async fn in_folder(
    req: HttpRequest,
    key: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    listing(&req, &store, Some(&key))
}

pub(super) async fn get(
    req: HttpRequest,
    id: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, prefer) = reading(&req, &store, MESSAGE_PROPERTIES, TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let index = mailbox.message_index(&id).ok_or(GraphError::NotFound)?;
    let mut body =
        message(mailbox, &mailbox.messages[index], query.select.as_deref(), prefer.text_body);
    body["@odata.context"] =
        json!(format!("{}/$metadata#users('{}')/messages/$entity", base(&store), caller.user_id));
    Ok(ok(&prefer, body))
}

pub(super) async fn patch(
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let caller = Caller::authenticate(&req, &store)?;
    caller.require(&["Mail.ReadWrite"])?;
    let changes: serde_json::Map<String, Value> = payload(&body)?;
    let is_read = match changes.get("isRead") {
        None => None,
        Some(Value::Bool(read)) => Some(*read),
        Some(_) => {
            return Err(GraphError::BadRequest(
                "BadRequest",
                "Cannot convert the literal to the expected type 'Edm.Boolean'.".to_owned(),
            ));
        }
    };
    if let Some(unknown) = changes.keys().find(|k| !MESSAGE_PROPERTIES.contains(&k.as_str())) {
        return Err(GraphError::BadRequest(
            "RequestBroker--ParseUri",
            format!("Could not find a property named '{unknown}' on type '{TYPE}'."),
        ));
    }
    let prefer = Prefer::parse(&req);
    let mut state = store.write();
    let at = state.tick();
    let mailbox = &mut state.microsoft.mailboxes[caller.mailbox];
    let index = mailbox.message_index(&id).ok_or(GraphError::NotFound)?;
    if let Some(read) = is_read {
        mailbox.set_read(index, read, at);
    }
    let mut body = message(mailbox, &mailbox.messages[index], None, prefer.text_body);
    body["@odata.context"] =
        json!(format!("{}/$metadata#users('{}')/messages/$entity", base(&store), caller.user_id));
    Ok(ok(&prefer, body))
}
