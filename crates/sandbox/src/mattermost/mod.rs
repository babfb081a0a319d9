//! The fake Mattermost API v4 (<https://developers.mattermost.com/api-documentation/>) under
//! `/mattermost/api/v4`. Authentication by `Authorization: Bearer <token>` (or `Token`), the
//! `MMAUTHTOKEN` cookie or the `access_token` query parameter; errors are Mattermost's
//! `AppError` JSON; a throttled request gets 429 `limit exceeded` with `X-Ratelimit-*` and
//! `Retry-After`, as the server's rate limiter writes them.

mod posts;
mod render;
mod teams;
mod users;

use std::sync::RwLockReadGuard;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::Provider;
use crate::store::{State, Store, TokenCheck};

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/mattermost/api/v4")
            .route("/system/ping", web::get().to(ping))
            .route("/users/me", web::get().to(users::me))
            .route("/users/me/teams", web::get().to(users::my_teams))
            .route("/users/ids", web::post().to(users::by_ids))
            .route("/users/{user_id}", web::get().to(users::by_id))
            .route("/users/{user_id}/teams/{team_id}/channels", web::get().to(teams::channels))
            .route("/channels/{channel_id}", web::get().to(teams::channel))
            .route("/channels/{channel_id}/posts", web::get().to(posts::for_channel))
            .default_service(web::to(not_found)),
    );
}

async fn ping() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "OK"}))
}

async fn not_found(store: web::Data<Store>) -> HttpResponse {
    error(
        &store,
        StatusCode::NOT_FOUND,
        "api.context.404.app_error",
        "Sorry, we could not find the page.",
    )
}

/// The state and the caller, or the answer to give instead (429 or 401).
pub(crate) fn guard<'a>(
    req: &HttpRequest,
    store: &'a Store,
) -> Result<(RwLockReadGuard<'a, State>, usize), HttpResponse> {
    let token = token(req);
    if let Some(retry_after) = store.throttled(Provider::Mattermost, token.as_deref()) {
        let seconds = retry_after.to_string();
        return Err(HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .insert_header(("X-Ratelimit-Limit", "10"))
            .insert_header(("X-Ratelimit-Remaining", "0"))
            .insert_header(("X-Ratelimit-Reset", seconds.clone()))
            .insert_header(("Retry-After", seconds))
            .content_type("text/plain; charset=utf-8")
            .body("limit exceeded\n"));
    }
    let state = store.read();
    match token.map(|t| state.check(Provider::Mattermost, &t)) {
        Some(TokenCheck::Valid(user)) => Ok((state, user)),
        _ => {
            drop(state);
            Err(error(
                store,
                StatusCode::UNAUTHORIZED,
                "api.context.session_expired.app_error",
                "Invalid or expired session, please login again.",
            ))
        }
    }
}

fn token(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some(value) = header {
        let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") {
            return Some(token.trim().to_owned()).filter(|t| !t.is_empty());
        }
    }
    let cookies = req.headers().get(header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let cookie = cookies.split(';').filter_map(|c| c.trim().strip_prefix("MMAUTHTOKEN="));
    if let Some(token) = cookie.map(str::trim).find(|t| !t.is_empty()) {
        return Some(token.to_owned());
    }
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("access_token").cloned())
}

/// Mattermost's `AppError` body.
pub(crate) fn error(store: &Store, status: StatusCode, id: &str, message: &str) -> HttpResponse {
    let request_id = store.request_id();
    HttpResponse::build(status).insert_header(("X-Request-Id", request_id.clone())).json(json!({
        "id": id,
        "message": message,
        "detailed_error": "",
        "request_id": request_id,
        "status_code": status.as_u16(),
    }))
}

pub(crate) fn forbidden(store: &Store) -> HttpResponse {
    error(
        store,
        StatusCode::FORBIDDEN,
        "api.context.permissions.app_error",
        "You do not have the appropriate permissions.",
    )
}

/// 400 for a malformed path or query parameter.
pub(crate) fn bad_param(store: &Store, name: &str) -> HttpResponse {
    error(
        store,
        StatusCode::BAD_REQUEST,
        "api.context.invalid_url_param.app_error",
        &format!("Invalid or missing {name} parameter in request URL."),
    )
}

pub(crate) fn ok<T: serde::Serialize>(store: &Store, body: &T) -> HttpResponse {
    HttpResponse::Ok().insert_header(("X-Request-Id", store.request_id())).json(body)
}

/// Mattermost ids: 26 lower-case letters and digits.
pub(crate) fn is_valid_id(id: &str) -> bool {
    id.len() == 26 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}
