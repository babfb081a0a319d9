//! Slack's failures as [`ChatError`]s.
//!
//! Policy: an HTTP 200 with `ok: false` carries a documented error code; the token codes
//! become [`ChatError::Unauthorized`] or [`ChatError::TokenRevoked`] (the source needs a new
//! token), a missing channel or thread [`ChatError::NotFound`], anything else
//! [`ChatError::Provider`] with the code. HTTP 401 is `Unauthorized`; 5xx, a timeout and
//! Slack's own failure codes (`internal_error`, `fatal_error`, `service_unavailable`,
//! `request_timeout`) a transient [`ChatError::Unavailable`]; a connection that fails a
//! [`ChatError::Transport`]; 429 is retried by the client before it becomes
//! [`ChatError::RateLimited`].

use std::time::Duration;

use switchboard_ports::ChatError;

use crate::wire::Status;

/// The error an `ok: false` answer stands for.
pub(crate) fn from_status(status: Status, what: &str) -> ChatError {
    let code = status.error.unwrap_or_else(|| "unknown_error".to_owned());
    match code.as_str() {
        "token_revoked" => ChatError::TokenRevoked,
        "invalid_auth"
        | "not_authed"
        | "account_inactive"
        | "token_expired"
        | "no_permission"
        | "missing_scope"
        | "not_allowed_token_type" => {
            let reason = match status.needed {
                Some(needed) => format!("{code} (needs {needed})"),
                None => code,
            };
            ChatError::Unauthorized { reason }
        }
        "channel_not_found" | "thread_not_found" | "user_not_found" => {
            ChatError::NotFound { what: format!("{what}: {code}") }
        }
        "ratelimited" => ChatError::RateLimited { retry_after: Duration::ZERO },
        "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" => {
            ChatError::Unavailable { reason: format!("{what}: {code}"), retry_after: None }
        }
        _ => {
            let messages = status.response_metadata.map(|m| m.messages).unwrap_or_default();
            let message =
                if messages.is_empty() { format!("{what} failed") } else { messages.join("; ") };
            ChatError::Provider { code, message }
        }
    }
}

/// `Retry-After` in whole seconds (Slack's form); absent or unreadable counts as zero, so the
/// policy's backoff applies.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Duration {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_secs)
}

/// A failed request (connection, body) as a transport error, a timeout as the provider
/// failing; without the URL (its query may hold arguments worth keeping out of logs).
pub(crate) fn transport(error: reqwest::Error) -> ChatError {
    if error.is_timeout() {
        return ChatError::Unavailable {
            reason: "no answer in time".to_owned(),
            retry_after: None,
        };
    }
    ChatError::transport(&error.without_url())
}

/// A server error (HTTP 5xx) of `method`, with the `Retry-After` it sent, if any.
pub(crate) fn server_error(
    method: &str,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> ChatError {
    let retry_after = Some(retry_after(headers)).filter(|d| !d.is_zero());
    ChatError::Unavailable { reason: format!("{method}: HTTP {status}"), retry_after }
}
