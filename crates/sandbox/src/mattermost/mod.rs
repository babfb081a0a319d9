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
use std::sync::atomic::{AtomicU64, Ordering};

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

async fn not_found() -> Result<HttpResponse, Reject> {
    Err(Reject::NotFound)
}

/// Why a request is refused, rendered as Mattermost renders it: an `AppError` body, or the
/// rate limiter's plain `limit exceeded`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Reject {
    #[error("limit exceeded")]
    Throttled(u64),
    #[error("Invalid or expired session, please login again.")]
    Unauthorized,
    #[error("You do not have the appropriate permissions.")]
    Forbidden,
    #[error("Invalid or missing {0} parameter in request URL.")]
    BadParam(&'static str),
    #[error("Invalid or missing {0} in request body.")]
    BadBody(&'static str),
    #[error("Unable to find the user.")]
    UnknownUser,
    #[error("Sorry, we could not find the page.")]
    NotFound,
    #[error("We encountered an error.")]
    Failing(crate::faults::Failure),
}

impl Reject {
    fn id(&self) -> &'static str {
        match self {
            Self::Throttled(_) => "",
            Self::Unauthorized => "api.context.session_expired.app_error",
            Self::Forbidden => "api.context.permissions.app_error",
            Self::BadParam(_) => "api.context.invalid_url_param.app_error",
            Self::BadBody(_) => "api.context.invalid_body_param.app_error",
            Self::UnknownUser => "app.user.missing_account.const",
            Self::NotFound => "api.context.404.app_error",
            Self::Failing(_) => "app.internal_error",
        }
    }
}

impl actix_web::ResponseError for Reject {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::BadParam(_) | Self::BadBody(_) => StatusCode::BAD_REQUEST,
            Self::UnknownUser | Self::NotFound => StatusCode::NOT_FOUND,
            Self::Failing(failure) => {
                StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let Self::Throttled(retry_after) = self {
            let seconds = retry_after.to_string();
            return HttpResponse::build(status)
                .insert_header(("X-Ratelimit-Limit", "10"))
                .insert_header(("X-Ratelimit-Remaining", "0"))
                .insert_header(("X-Ratelimit-Reset", seconds.clone()))
                .insert_header(("Retry-After", seconds))
                .content_type("text/plain; charset=utf-8")
                .body("limit exceeded\n");
        }
        let request_id = request_id();
        let mut answer = HttpResponse::build(status);
        if let Self::Failing(crate::faults::Failure { retry_after: Some(secs), .. }) = self {
            answer.insert_header(("Retry-After", secs.to_string()));
        }
        answer.insert_header(("X-Request-Id", request_id.clone())).json(json!({
            "id": self.id(),
            "message": self.to_string(),
            "detailed_error": "",
            "request_id": request_id,
            "status_code": status.as_u16(),
        }))
    }
}

/// The state and the caller, or why not (429 before 401, as the rate limiter runs first).
pub(crate) fn guard<'a>(
    req: &HttpRequest,
    store: &'a Store,
) -> Result<(RwLockReadGuard<'a, State>, usize), Reject> {
    let token = token(req);
    if let Some(failure) = store.failing(Provider::Mattermost) {
        return Err(Reject::Failing(failure));
    }
    if let Some(retry_after) = store.throttled(Provider::Mattermost, token.as_deref()) {
        return Err(Reject::Throttled(retry_after));
    }
    let state = store.read();
    match token.map(|t| state.check(Provider::Mattermost, &t)) {
        Some(TokenCheck::Valid(user)) => Ok((state, user)),
        _ => Err(Reject::Unauthorized),
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

/// A request id in Mattermost's 26-character shape.
fn request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("sandbox{:019}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A 200 with a request id.
pub(crate) fn ok<T: serde::Serialize>(body: &T) -> Result<HttpResponse, Reject> {
    Ok(HttpResponse::Ok().insert_header(("X-Request-Id", request_id())).json(body))
}

/// Mattermost ids: 26 lower-case letters and digits.
pub(crate) fn is_valid_id(id: &str) -> bool {
    id.len() == 26 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}
