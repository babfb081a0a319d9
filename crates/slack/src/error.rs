//! Slack's failures as [`ChatError`]s.
//!
//! Policy: an HTTP 200 with `ok: false` carries a documented error code; the token codes
//! become [`ChatError::Unauthorized`] or [`ChatError::TokenRevoked`] (the source needs a new
//! token), a missing channel or thread, or a channel the token is not in (`not_in_channel`),
//! [`ChatError::NotFound`], anything else
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
        // `not_in_channel`: the token may not read a channel it is not (any more) a member
        // of; a sync skips it as it skips one deleted since the listing.
        "channel_not_found" | "not_in_channel" | "thread_not_found" | "user_not_found" => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::decode;
    use crate::wire::Messages;

    fn answer(method: &str, body: &str) -> ChatError {
        match decode::<Messages>(method, reqwest::StatusCode::OK, body.as_bytes()) {
            Ok(_) => panic!("{body} was read as a success"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_channel_the_token_is_not_in_is_skipped_as_a_missing_one() {
        // conversations.history and conversations.replies both document `not_in_channel`.
        for method in ["conversations.history", "conversations.replies"] {
            for code in ["channel_not_found", "not_in_channel"] {
                let error = answer(method, &format!(r#"{{"ok":false,"error":"{code}"}}"#));
                assert!(matches!(&error, ChatError::NotFound { what } if what.contains(code)));
            }
        }
        let other = answer("conversations.history", r#"{"ok":false,"error":"invalid_cursor"}"#);
        assert!(matches!(other, ChatError::Provider { code, .. } if code == "invalid_cursor"));
    }
}
