//! Graph's refusals as [`MailError`]s, decided once: the HTTP status first, then
//! `error.code` (<https://learn.microsoft.com/graph/errors>). Transport failures keep only
//! their kind: graph-rs-sdk's errors can carry the request's headers, token included.

use std::time::Duration;

use graph_rs_sdk::GraphFailure;
use graph_rs_sdk::header::{HeaderMap, RETRY_AFTER};
use switchboard_ports::mail::MailError;

use crate::wire::ErrorBody;

/// Codes Graph uses for a delta or skip token it no longer knows (410 Gone, sometimes 400).
const SYNC_STATE_CODES: [&str; 3] = ["syncStateNotFound", "syncStateInvalid", "resyncRequired"];

/// The error for a non-success answer with status `status` and body `body`.
pub(crate) fn from_answer(status: u16, body: &[u8], what: &str) -> MailError {
    let detail = serde_json::from_slice::<ErrorBody>(body).unwrap_or_default().error;
    let code = if detail.code.is_empty() { format!("HTTP {status}") } else { detail.code };
    if status == 410 || SYNC_STATE_CODES.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
        return MailError::CursorExpired;
    }
    match status {
        401 => MailError::Unauthorized { reason: code },
        403 => MailError::Forbidden { reason: code },
        404 => MailError::NotFound { what: what.to_owned() },
        _ => MailError::Provider { code, message: detail.message },
    }
}

/// A failure before or while talking to Graph.
pub(crate) fn from_failure(failure: GraphFailure) -> MailError {
    match failure {
        GraphFailure::ReqwestError(e) => MailError::Transport(e.without_url().to_string()),
        GraphFailure::SerdeJson(e) => MailError::InvalidResponse(e.to_string()),
        GraphFailure::Io(e) => MailError::Transport(e.kind().to_string()),
        other => MailError::Transport(failure_kind(&other).to_owned()),
    }
}

/// A short name for the other failures, whose text may hold the request's headers.
fn failure_kind(failure: &GraphFailure) -> &'static str {
    match failure {
        GraphFailure::PreFlightError { .. } => "the request could not be built",
        GraphFailure::UrlParse(_) => "invalid URL",
        _ => "graph-rs-sdk failed to send the request",
    }
}

/// A body or stream read failure.
pub(crate) fn transport(e: impl std::fmt::Display) -> MailError {
    MailError::Transport(e.to_string())
}

/// `Retry-After` in seconds (Graph sends seconds); zero when absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str) -> Vec<u8> {
        format!(r#"{{"error":{{"code":"{code}","message":"m"}}}}"#).into_bytes()
    }

    #[test]
    fn statuses_and_codes_map_once() {
        let token = from_answer(401, &body("InvalidAuthenticationToken"), "me");
        assert_eq!(token, MailError::Unauthorized { reason: "InvalidAuthenticationToken".into() });
        assert!(matches!(
            from_answer(403, &body("ErrorAccessDenied"), "x"),
            MailError::Forbidden { .. }
        ));
        assert_eq!(from_answer(410, &body("syncStateNotFound"), "x"), MailError::CursorExpired);
        assert_eq!(from_answer(400, &body("resyncRequired"), "x"), MailError::CursorExpired);
        assert_eq!(
            from_answer(404, b"", "message m"),
            MailError::NotFound { what: "message m".into() }
        );
        let other = from_answer(400, b"<html>", "x");
        assert_eq!(other, MailError::Provider { code: "HTTP 400".into(), message: String::new() });
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), Duration::ZERO);
        headers.insert(RETRY_AFTER, graph_rs_sdk::header::HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Duration::from_secs(7));
    }
}
