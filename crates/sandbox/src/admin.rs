//! The sandbox's own HTTP API under `/_sandbox`, for tests driving a sandbox in another
//! process: the same operations as the Rust API, JSON in and out, no authentication.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::{NewPost, Provider, Sandbox, SandboxError};

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/_sandbox")
            .route("/clock", web::get().to(clock))
            .route("/clock/advance", web::post().to(advance))
            .route("/tokens", web::post().to(add_token))
            .route("/tokens/revoke", web::post().to(revoke))
            .route("/throttle", web::post().to(throttle))
            .route("/slack/oauth/clients", web::post().to(oauth_client))
            .route("/slack/oauth/deny", web::post().to(oauth_deny))
            .configure(crate::microsoft::admin::routes)
            .configure(crate::google::admin::routes)
            .route("/{provider}/channels", web::get().to(channels))
            .route("/{provider}/users", web::get().to(users))
            .route("/{provider}/posts", web::post().to(post))
            .route("/{provider}/posts/edit", web::post().to(edit))
            .route("/{provider}/posts/delete", web::post().to(delete)),
    );
}

pub(crate) fn answer<T: serde::Serialize>(result: Result<T, SandboxError>) -> HttpResponse {
    match result {
        Ok(value) => HttpResponse::Ok().json(value),
        Err(e @ SandboxError::AttachmentTooLarge(_)) => {
            HttpResponse::BadRequest().json(json!({"error": e.to_string()}))
        }
        Err(e) => HttpResponse::NotFound().json(json!({"error": e.to_string()})),
    }
}

async fn clock(sandbox: web::Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"now": sandbox.now(), "clock": sandbox.clock()}))
}

#[derive(Debug, Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance(sandbox: web::Data<Sandbox>, body: web::Json<Advance>) -> HttpResponse {
    sandbox.advance_clock(Duration::from_secs(body.seconds));
    clock(sandbox).await
}

#[derive(Debug, Deserialize)]
struct AddToken {
    provider: Provider,
    token: String,
    user_id: Option<String>,
}

async fn add_token(sandbox: web::Data<Sandbox>, body: web::Json<AddToken>) -> HttpResponse {
    answer(match &body.user_id {
        Some(user_id) => sandbox.add_token_for(body.provider, &body.token, user_id),
        None => {
            sandbox.add_token(body.provider, &body.token);
            Ok(())
        }
    })
}

#[derive(Debug, Deserialize)]
struct Revoke {
    token: String,
}

async fn revoke(sandbox: web::Data<Sandbox>, body: web::Json<Revoke>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"known": sandbox.revoke_token(&body.token)}))
}

#[derive(Debug, Deserialize)]
struct Throttle {
    token: Option<String>,
    provider: Option<Provider>,
    requests: u32,
    retry_after: u64,
    /// Requests let through first (token throttles only).
    #[serde(default)]
    after: u32,
}

async fn throttle(sandbox: web::Data<Sandbox>, body: web::Json<Throttle>) -> HttpResponse {
    let retry_after = Duration::from_secs(body.retry_after);
    match (&body.token, body.provider) {
        (Some(token), _) => {
            sandbox.throttle_token_after(token, body.after, body.requests, retry_after);
        }
        (None, Some(provider)) => sandbox.throttle_provider(provider, body.requests, retry_after),
        (None, None) => {
            return HttpResponse::BadRequest().json(json!({"error": "token or provider"}));
        }
    }
    HttpResponse::Ok().json(json!({}))
}

#[derive(Debug, Deserialize)]
struct OAuthClient {
    client_id: String,
    client_secret: String,
}

async fn oauth_client(sandbox: web::Data<Sandbox>, body: web::Json<OAuthClient>) -> HttpResponse {
    sandbox.add_slack_oauth_client(&body.client_id, &body.client_secret);
    HttpResponse::Ok().json(json!({}))
}

#[derive(Debug, Deserialize)]
struct Deny {
    requests: u32,
}

async fn oauth_deny(sandbox: web::Data<Sandbox>, body: web::Json<Deny>) -> HttpResponse {
    sandbox.deny_slack_authorizations(body.requests);
    HttpResponse::Ok().json(json!({}))
}

async fn channels(sandbox: web::Data<Sandbox>, provider: web::Path<Provider>) -> HttpResponse {
    HttpResponse::Ok().json(sandbox.channels(*provider))
}

async fn users(sandbox: web::Data<Sandbox>, provider: web::Path<Provider>) -> HttpResponse {
    HttpResponse::Ok().json(sandbox.users(*provider))
}

#[derive(Debug, Deserialize)]
struct Post {
    channel_id: String,
    text: String,
    user_id: Option<String>,
    root_id: Option<String>,
}

async fn post(
    sandbox: web::Data<Sandbox>,
    provider: web::Path<Provider>,
    body: web::Json<Post>,
) -> HttpResponse {
    answer(sandbox.post(
        *provider,
        NewPost {
            channel_id: &body.channel_id,
            text: &body.text,
            user_id: body.user_id.as_deref(),
            root_id: body.root_id.as_deref(),
        },
    ))
}

#[derive(Debug, Deserialize)]
struct Change {
    channel_id: String,
    post_id: String,
    text: Option<String>,
}

async fn edit(
    sandbox: web::Data<Sandbox>,
    provider: web::Path<Provider>,
    body: web::Json<Change>,
) -> HttpResponse {
    let text = body.text.as_deref().unwrap_or_default();
    answer(sandbox.edit_post(*provider, &body.channel_id, &body.post_id, text))
}

async fn delete(
    sandbox: web::Data<Sandbox>,
    provider: web::Path<Provider>,
    body: web::Json<Change>,
) -> HttpResponse {
    answer(sandbox.delete_post(*provider, &body.channel_id, &body.post_id))
}
