//! The fake Gmail API v1 under `/google/gmail/v1/users/{userId}/…` (`userId` is `me` or the
//! mailbox's own address): profile, labels, messages (list with search, get in every format,
//! modify, send, attachments), threads and history. Every request needs a bearer token from
//! the fake OAuth server; scopes are checked as Gmail checks them.

mod error;
mod history;
mod messages;
pub(crate) mod mime;
pub(crate) mod model;
mod search;
mod send;

pub(crate) use error::GmailError;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::oauth::{FULL, METADATA, MODIFY, READONLY, SEND};
use crate::faults::Api;
use crate::store::Store;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/google/gmail/v1/users/{user}")
            .route("/profile", web::get().to(profile))
            .route("/labels", web::get().to(history::labels))
            .route("/messages", web::get().to(messages::list))
            .route("/messages/send", web::post().to(send::send))
            .route("/messages/{id}", web::get().to(messages::get))
            .route("/messages/{id}/modify", web::post().to(messages::modify))
            .route("/messages/{id}/attachments/{attachment}", web::get().to(messages::attachment))
            .route("/threads/{id}", web::get().to(history::thread))
            .route("/history", web::get().to(history::list))
            .default_service(web::to(not_found)),
    )
    .route("/google/upload/gmail/v1/users/{user}/messages/send", web::post().to(send::upload));
}

async fn not_found() -> Result<HttpResponse, GmailError> {
    Err(GmailError::NotFound)
}

/// What a request may do, by the scopes Gmail asks for each method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Labels, history, list, and get without bodies (`gmail.metadata` is enough).
    Metadata,
    /// Bodies, attachments, search.
    Read,
    Modify,
    Send,
}

impl Need {
    fn scopes(self) -> &'static [&'static str] {
        match self {
            Self::Metadata => &[READONLY, MODIFY, METADATA, FULL],
            Self::Read => &[READONLY, MODIFY, FULL],
            Self::Modify => &[MODIFY, FULL],
            Self::Send => &[SEND, MODIFY, FULL, "https://www.googleapis.com/auth/gmail.compose"],
        }
    }
}

/// Who calls, and with what.
#[derive(Debug)]
pub(crate) struct Caller {
    pub mailbox: usize,
    scopes: std::collections::BTreeSet<String>,
}

impl Caller {
    /// Counts the request, applies pending quota errors, then checks the token, the path's
    /// `userId` and the scope.
    pub(crate) fn authenticate(
        req: &HttpRequest,
        store: &Store,
        need: Need,
    ) -> Result<Self, GmailError> {
        let token = crate::credentials::bearer(req);
        if let Some(retry_after) = store.throttled(Api::Gmail, token) {
            return Err(GmailError::RateLimit(retry_after));
        }
        let google = store.google();
        let caller = {
            let access = token.and_then(|t| google.auth.access.get(t));
            let access = access.filter(|a| !a.dead && a.expires > std::time::Instant::now());
            let access = access.ok_or(GmailError::Unauthenticated)?;
            Self { mailbox: access.mailbox, scopes: access.scopes.clone() }
        };
        drop(google);
        if let Some(retry_after) = store.google().take_user_rate_limit() {
            return Err(GmailError::UserRateLimit(retry_after));
        }
        let user = req.match_info().get("user").unwrap_or("me");
        if user != "me"
            && !store.google().mailboxes[caller.mailbox].address.eq_ignore_ascii_case(user)
        {
            return Err(GmailError::Forbidden("Delegation denied for another user.".to_owned()));
        }
        caller.require(need)?;
        Ok(caller)
    }

    /// 403 unless the token carries a scope that allows `need`.
    pub(crate) fn require(&self, need: Need) -> Result<(), GmailError> {
        if need.scopes().iter().any(|s| self.scopes.contains(*s)) {
            Ok(())
        } else {
            Err(GmailError::InsufficientScope)
        }
    }

    /// Whether bodies may be read (not only `gmail.metadata`).
    pub(crate) fn can_read(&self) -> bool {
        self.require(Need::Read).is_ok()
    }
}

impl super::Google {
    /// Starts a reading of message bodies: the number its attachment ids carry.
    pub(crate) fn next_reading(&mut self) -> u64 {
        self.readings += 1;
        self.readings
    }

    /// Consumes one pending 403 `userRateLimitExceeded`: its `Retry-After`.
    pub(crate) fn take_user_rate_limit(&mut self) -> Option<u64> {
        let (remaining, retry_after) = &mut self.user_rate_limit;
        (*remaining > 0).then(|| {
            *remaining -= 1;
            *retry_after
        })
    }
}

/// `GET /profile`.
async fn profile(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, GmailError> {
    let caller = Caller::authenticate(&req, &store, Need::Metadata)?;
    let google = store.google();
    let mailbox = &google.mailboxes[caller.mailbox];
    let live: Vec<_> = mailbox.live().collect();
    let threads: std::collections::HashSet<&str> =
        live.iter().map(|(_, m)| m.thread_id.as_str()).collect();
    Ok(HttpResponse::Ok().json(json!({
        "emailAddress": mailbox.address,
        "messagesTotal": live.len(),
        "threadsTotal": threads.len(),
        "historyId": mailbox.history_id.to_string(),
    })))
}

/// Query arguments, repeated ones kept (`labelIds`, `metadataHeaders`, `historyTypes`).
pub(crate) fn query(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

pub(crate) fn one<'a>(args: &'a [(String, String)], name: &str) -> Option<&'a str> {
    args.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

pub(crate) fn all<'a>(args: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    args.iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .filter(|v| !v.is_empty())
        .collect()
}

/// A page size within `1..=max`, `default` when absent.
pub(crate) fn page_size(
    args: &[(String, String)],
    default: usize,
    max: usize,
) -> Result<usize, GmailError> {
    match one(args, "maxResults") {
        None => Ok(default),
        Some(raw) => match raw.parse::<usize>() {
            Ok(0) => Ok(default),
            Ok(n) => Ok(n.min(max)),
            Err(_) => Err(GmailError::invalid(format!("Invalid value for maxResults: {raw}"))),
        },
    }
}

/// A page token (an offset written so it is opaque), or 400.
pub(crate) fn page_token(args: &[(String, String)]) -> Result<usize, GmailError> {
    match one(args, "pageToken") {
        None => Ok(0),
        Some(raw) => raw
            .strip_prefix("0")
            .and_then(|n| usize::from_str_radix(n, 16).ok())
            .ok_or_else(|| GmailError::invalid("Invalid pageToken")),
    }
}

pub(crate) fn next_token(offset: usize) -> String {
    format!("0{offset:x}")
}
