//! The Microsoft half of the admin API under `/_sandbox/microsoft`: the same operations as
//! the Rust API, JSON in and out.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::identity::TokenFault;
use crate::admin::answer;
use crate::{NewMail, Sandbox};

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/microsoft/mailboxes", web::get().to(mailboxes))
        .route("/microsoft/mailboxes/{mailbox}/folders", web::get().to(folders))
        .route("/microsoft/mailboxes/{mailbox}/messages", web::get().to(messages))
        .route("/microsoft/messages", web::post().to(add))
        .route("/microsoft/messages/move", web::post().to(move_to))
        .route("/microsoft/messages/delete", web::post().to(delete))
        .route("/microsoft/messages/read", web::post().to(read))
        .route("/microsoft/tokens", web::post().to(token))
        .route("/microsoft/tokens/expire", web::post().to(expire))
        .route("/microsoft/assertions", web::post().to(assertion))
        .route("/microsoft/clients", web::post().to(client))
        .route("/microsoft/grants/revoke", web::post().to(revoke))
        .route("/microsoft/faults", web::post().to(fault))
        .route("/microsoft/deny", web::post().to(deny))
        .route("/microsoft/throttle", web::post().to(throttle))
        .route("/microsoft/unavailable", web::post().to(unavailable))
        .route("/microsoft/delta/expire", web::post().to(expire_delta));
}

async fn mailboxes(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(sandbox.mailboxes())
}

async fn folders(sandbox: web::Data<Sandbox>, mailbox: web::Path<String>) -> HttpResponse {
    answer(sandbox.mail_folders(&mailbox))
}

#[derive(Debug, Deserialize)]
struct InFolder {
    folder: Option<String>,
}

async fn messages(
    sandbox: web::Data<Sandbox>,
    mailbox: web::Path<String>,
    query: web::Query<InFolder>,
) -> HttpResponse {
    answer(sandbox.mail_messages(&mailbox, query.folder.as_deref()))
}

async fn add(sandbox: web::Data<Sandbox>, body: web::Json<NewMail>) -> HttpResponse {
    answer(sandbox.add_mail(body.into_inner()))
}

#[derive(Debug, Deserialize)]
struct Change {
    #[serde(default)]
    mailbox: String,
    message_id: String,
    folder: Option<String>,
    is_read: Option<bool>,
}

async fn move_to(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    answer(sandbox.move_mail(
        &body.mailbox,
        &body.message_id,
        body.folder.as_deref().unwrap_or("deleteditems"),
    ))
}

async fn delete(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    answer(sandbox.delete_mail(&body.mailbox, &body.message_id))
}

async fn read(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    answer(sandbox.mark_mail(&body.mailbox, &body.message_id, body.is_read.unwrap_or(true)))
}

#[derive(Debug, Deserialize)]
struct Mint {
    #[serde(default)]
    mailbox: String,
    scopes: Option<String>,
    audience: Option<String>,
    expires_in: Option<i64>,
}

async fn token(sandbox: web::Data<Sandbox>, body: web::Json<Mint>) -> HttpResponse {
    let scopes = body.scopes.as_deref().unwrap_or("User.Read Mail.Read");
    answer(
        sandbox.microsoft_access_token(&body.mailbox, scopes).map(|t| json!({"access_token": t})),
    )
}

async fn assertion(sandbox: web::Data<Sandbox>, body: web::Json<Mint>) -> HttpResponse {
    let expires_in = body.expires_in.unwrap_or(3600);
    answer(
        sandbox
            .microsoft_assertion(&body.mailbox, body.audience.as_deref(), expires_in)
            .map(|t| json!({"assertion": t})),
    )
}

async fn expire(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "access_tokens": sandbox.expire_microsoft_access_tokens(),
    }))
}

#[derive(Debug, Deserialize)]
struct NewClient {
    client_id: String,
    client_secret: String,
    #[serde(default)]
    redirect_uris: Vec<String>,
}

async fn client(sandbox: web::Data<Sandbox>, body: web::Json<NewClient>) -> HttpResponse {
    let uris: Vec<&str> = body.redirect_uris.iter().map(String::as_str).collect();
    sandbox.add_microsoft_client(&body.client_id, &body.client_secret, &uris);
    HttpResponse::Ok().json(json!({}))
}

async fn revoke(sandbox: web::Data<Sandbox>, body: web::Json<Mint>) -> HttpResponse {
    answer(sandbox.revoke_microsoft_grants(&body.mailbox).map(|n| json!({"revoked": n})))
}

#[derive(Debug, Deserialize)]
struct Fault {
    error: TokenFault,
    requests: u32,
}

async fn fault(sandbox: web::Data<Sandbox>, body: web::Json<Fault>) -> HttpResponse {
    sandbox.force_microsoft_error(body.error, body.requests);
    HttpResponse::Ok().json(json!({}))
}

#[derive(Debug, Deserialize)]
struct Requests {
    requests: u32,
    #[serde(default)]
    retry_after: u64,
}

async fn deny(sandbox: web::Data<Sandbox>, body: web::Json<Requests>) -> HttpResponse {
    sandbox.deny_microsoft_authorizations(body.requests);
    HttpResponse::Ok().json(json!({}))
}

async fn throttle(sandbox: web::Data<Sandbox>, body: web::Json<Requests>) -> HttpResponse {
    sandbox.throttle_graph(body.requests, Duration::from_secs(body.retry_after));
    HttpResponse::Ok().json(json!({}))
}

async fn unavailable(sandbox: web::Data<Sandbox>, body: web::Json<Requests>) -> HttpResponse {
    sandbox.make_graph_unavailable(body.requests, Duration::from_secs(body.retry_after));
    HttpResponse::Ok().json(json!({}))
}

async fn expire_delta(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"forgotten": sandbox.expire_delta_tokens()}))
}
