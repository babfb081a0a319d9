//! `GET /me/mailFolders`, `/me/mailFolders/{id}` and `/me/mailFolders/{id}/childFolders`
//! (<https://learn.microsoft.com/graph/api/user-list-mailfolders>): ids or well-known names
//! (`inbox`, `sentitems`, `deleteditems`, `drafts`, `junkemail`, `archive`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::odata::page;
use super::render::{FOLDER_PROPERTIES, folder};
use super::{GraphError, base, collection, reading, self_url};
use crate::store::Store;

const TYPE: &str = "microsoft.graph.mailFolder";

fn listing(
    req: &HttpRequest,
    store: &Store,
    parent: Option<&str>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, prefer) = reading(req, store, FOLDER_PROPERTIES, TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let parent = match parent {
        Some(key) => Some(mailbox.folder_index(key).ok_or(GraphError::NotFound)?),
        None => None,
    };
    let indices: Vec<usize> =
        (0..mailbox.folders.len()).filter(|&i| mailbox.folders[i].parent == parent).collect();
    let (indices, next, count) = page(indices, &query, &prefer, 10, &self_url(req, store));
    let value: Vec<Value> =
        indices.into_iter().map(|i| folder(mailbox, i, query.select.as_deref())).collect();
    let context = format!("{}/$metadata#users('{}')/mailFolders", base(store), caller.user_id);
    Ok(collection(&prefer, context, value, next, count))
}

pub(super) async fn list(
    req: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    listing(&req, &store, None)
}

pub(super) async fn children(
    req: HttpRequest,
    key: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    listing(&req, &store, Some(&key))
}

pub(super) async fn get(
    req: HttpRequest,
    key: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, GraphError> {
    let (caller, query, _) = reading(&req, &store, FOLDER_PROPERTIES, TYPE)?;
    let state = store.read();
    let mailbox = &state.microsoft.mailboxes[caller.mailbox];
    let index = mailbox.folder_index(&key).ok_or(GraphError::NotFound)?;
    let mut body = folder(mailbox, index, query.select.as_deref());
    body["@odata.context"] = json!(format!(
        "{}/$metadata#users('{}')/mailFolders/$entity",
        base(&store),
        caller.user_id
    ));
    Ok(HttpResponse::Ok().json(body))
}
