//! Mattermost's failures as [`ChatError`]s.
//!
//! Policy: 401 (missing, unknown, expired or revoked token: Mattermost does not tell them
//! apart) is [`ChatError::Unauthorized`]; 403 and 404 (a channel or team the token cannot
//! read, or that does not exist, or no API at the URL) are [`ChatError::NotFound`]; 5xx and a
//! timeout a transient [`ChatError::Unavailable`] (with the 503's `Retry-After`); a connection
//! that fails a [`ChatError::Transport`]; any other failure [`ChatError::Provider`] with the
//! `AppError`'s id and message. A 429 is retried by the client before it becomes
//! [`ChatError::RateLimited`].

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use switchboard_ports::ChatError;

use crate::wire::AppError;

/// The error a non-success answer stands for; `what` names the request, for messages.
pub(crate) fn from_response(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    what: &str,
) -> ChatError {
    let app: AppError = serde_json::from_slice(body).unwrap_or_default();
    match status {
        StatusCode::UNAUTHORIZED => ChatError::Unauthorized {
            reason: if app.id.is_empty() { "HTTP 401".to_owned() } else { app.id },
        },
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => {
            ChatError::NotFound { what: format!("{what} (HTTP {})", status.as_u16()) }
        }
        s if s.is_server_error() => ChatError::Unavailable {
            reason: format!("{what}: HTTP {s}"),
            retry_after: Some(retry_after(headers)).filter(|d| !d.is_zero()),
        },
        s => ChatError::Provider {
            code: if app.id.is_empty() { s.as_u16().to_string() } else { app.id },
            message: if app.message.is_empty() { format!("{what}: HTTP {s}") } else { app.message },
        },
    }
}

/// `Retry-After` (seconds), else `X-Ratelimit-Reset` (seconds until the window resets, as
/// Mattermost's limiter writes it); absent counts as zero, so the policy's backoff applies.
pub(crate) fn retry_after(headers: &HeaderMap) -> Duration {
    ["retry-after", "x-ratelimit-reset"]
        .into_iter()
        .find_map(|name| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_secs)
}

/// A failed request (connection, body) as a transport error, a timeout as the provider
/// failing; without the URL.
pub(crate) fn transport(error: reqwest::Error) -> ChatError {
    if error.is_timeout() {
        return ChatError::Unavailable {
            reason: "no answer in time".to_owned(),
            retry_after: None,
        };
    }
    ChatError::transport(&error.without_url())
}
