//! The Google half of the admin API under `/_sandbox/google`: the same operations as the
//! Rust API, JSON in and out.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use super::control::NewGmail;
use crate::Sandbox;
use crate::admin::answer;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/google/mailboxes", web::get().to(mailboxes))
        .route("/google/mailboxes/{mailbox}/messages", web::get().to(messages))
        .route("/google/messages", web::post().to(add))
        .route("/google/messages/delete", web::post().to(delete))
        .route("/google/messages/labels", web::post().to(label))
        .route("/google/history/expire", web::post().to(expire_history))
        .route("/google/tokens", web::post().to(token))
        .route("/google/tokens/expire", web::post().to(expire))
        .route("/google/grants/revoke", web::post().to(revoke))
        .route("/google/deny", web::post().to(deny))
        .route("/google/quota", web::post().to(quota));
}

async fn mailboxes(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(sandbox.gmail_mailboxes())
}

#[derive(Debug, Deserialize)]
struct WithLabel {
    label: Option<String>,
}

async fn messages(
    sandbox: web::Data<Sandbox>,
    mailbox: web::Path<String>,
    query: web::Query<WithLabel>,
) -> HttpResponse {
    answer(sandbox.gmail_messages(&mailbox, query.label.as_deref()))
}

async fn add(sandbox: web::Data<Sandbox>, body: web::Json<NewGmail>) -> HttpResponse {
    answer(sandbox.add_gmail(body.into_inner()))
}

#[derive(Debug, Deserialize)]
struct Change {
    #[serde(default)]
    mailbox: String,
    #[serde(default)]
    message_id: String,
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
    scopes: Option<String>,
}

async fn delete(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    answer(sandbox.delete_gmail(&body.mailbox, &body.message_id))
}

async fn label(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    let add: Vec<&str> = body.add.iter().map(String::as_str).collect();
    let remove: Vec<&str> = body.remove.iter().map(String::as_str).collect();
    answer(sandbox.label_gmail(&body.mailbox, &body.message_id, &add, &remove))
}

async fn expire_history(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    answer(sandbox.expire_gmail_history(&body.mailbox).map(|n| json!({"forgotten": n})))
}

async fn token(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    let scopes = body.scopes.as_deref().unwrap_or("https://www.googleapis.com/auth/gmail.readonly");
    answer(sandbox.google_access_token(&body.mailbox, scopes).map(|t| json!({"access_token": t})))
}

async fn expire(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"access_tokens": sandbox.expire_google_access_tokens()}))
}

async fn revoke(sandbox: web::Data<Sandbox>, body: web::Json<Change>) -> HttpResponse {
    answer(sandbox.revoke_google_grants(&body.mailbox).map(|n| json!({"revoked": n})))
}

#[derive(Debug, Deserialize)]
struct Requests {
    requests: u32,
    #[serde(default)]
    retry_after: u64,
    /// `rateLimitExceeded` (429, the default) or `userRateLimitExceeded` (403).
    reason: Option<String>,
}

async fn deny(sandbox: web::Data<Sandbox>, body: web::Json<Requests>) -> HttpResponse {
    sandbox.deny_google_authorizations(body.requests);
    HttpResponse::Ok().json(json!({}))
}

async fn quota(sandbox: web::Data<Sandbox>, body: web::Json<Requests>) -> HttpResponse {
    let retry_after = Duration::from_secs(body.retry_after);
    match body.reason.as_deref() {
        None | Some("rateLimitExceeded") => sandbox.throttle_gmail(body.requests, retry_after),
        Some("userRateLimitExceeded") => sandbox.limit_gmail_user_rate(body.requests, retry_after),
        Some(other) => {
            return HttpResponse::BadRequest()
                .json(json!({"error": format!("unknown reason {other}")}));
        }
    }
    HttpResponse::Ok().json(json!({}))
}
