//! Gmail's refusals as [`MailError`]s, decided once
//! (<https://developers.google.com/workspace/gmail/api/guides/handle-errors>): the HTTP
//! status first, then `error.errors[0].reason`. google-gmail1 hands every error with a JSON
//! body back as `Error::BadRequest(json)`, so the status is read from `error.code` (or from
//! what [`Observe`] saw on the wire). Quota answers (429, 403 `rateLimitExceeded` /
//! `userRateLimitExceeded`) and Google's own trouble (500, 503) are retried by the caller;
//! the rest ends the call. No request data is echoed: an error never carries a token.

use std::time::Duration;

use google_gmail1::Error;
use google_gmail1::common::{Delegate, Response, Retry};
use serde_json::Value;
use switchboard_ports::mail::MailError;

/// The 403 reasons that mean "slow down", not "not allowed".
const QUOTA_REASONS: [&str; 2] = ["rateLimitExceeded", "userRateLimitExceeded"];

/// A delegate that remembers what the failed answer said on the wire (its status and
/// `Retry-After`, which google-gmail1's error drops) and never lets the crate retry by itself:
/// retries are ours, bounded.
#[derive(Debug, Default)]
pub(crate) struct Observe {
    status: Option<u16>,
    retry_after: Option<Duration>,
}

impl Delegate for Observe {
    fn http_failure(&mut self, response: &Response, _error: Option<&Value>) -> Retry {
        self.status = Some(response.status().as_u16());
        self.retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        Retry::Abort
    }
}

/// What a failed call means.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Throttled or Google's trouble: try again after this long (zero when not said).
    Retry(Duration),
    /// The answer could not be decoded; the body, for a lenient second reading.
    Undecodable(String),
    /// Final.
    Error(MailError),
}

/// Classifies google-gmail1's error for a call about `what`.
pub(crate) fn classify(error: Error, seen: &Observe, what: &str) -> Failure {
    match error {
        Error::BadRequest(json) => {
            let detail = &json["error"];
            let status = detail["code"]
                .as_u64()
                .and_then(|c| u16::try_from(c).ok())
                .or(seen.status)
                .unwrap_or(400);
            let reason = detail["errors"][0]["reason"].as_str().unwrap_or_default();
            let code = detail["status"].as_str().filter(|s| !s.is_empty()).unwrap_or(reason);
            let message = detail["message"].as_str().unwrap_or_default();
            from_status(status, reason, code, message, seen, what)
        }
        Error::Failure(response) => {
            let status = response.status().as_u16();
            from_status(status, "", "", "", seen, what)
        }
        Error::JsonDecodeError(body, _) => Failure::Undecodable(body),
        Error::HttpError(e) => Failure::Error(MailError::Transport(e.to_string())),
        Error::Io(e) => Failure::Error(MailError::Transport(e.kind().to_string())),
        Error::MissingToken(_) | Error::MissingAPIKey => {
            Failure::Error(MailError::Unauthorized { reason: "no access token".into() })
        }
        other => Failure::Error(MailError::Transport(other.to_string())),
    }
}

fn from_status(
    status: u16,
    reason: &str,
    code: &str,
    message: &str,
    seen: &Observe,
    what: &str,
) -> Failure {
    let wait = seen.retry_after.unwrap_or(Duration::ZERO);
    let quota = status == 429 || (status == 403 && QUOTA_REASONS.contains(&reason));
    if quota || status == 500 || status == 503 {
        return Failure::Retry(wait);
    }
    let named = |fallback: String| if code.is_empty() { fallback } else { code.to_owned() };
    Failure::Error(match status {
        401 => MailError::Unauthorized { reason: named("HTTP 401".into()) },
        403 => MailError::Forbidden { reason: named("HTTP 403".into()) },
        404 => MailError::NotFound { what: what.to_owned() },
        _ => MailError::Provider { code: named(format!("HTTP {status}")), message: message.into() },
    })
}

/// The error a call ends with when it timed out.
pub(crate) fn timed_out(what: &str) -> MailError {
    MailError::Transport(format!("{what}: timed out"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(code: u16, reason: &str, status: &str) -> Failure {
        let json = serde_json::json!({"error": {"code": code, "message": "m", "status": status,
            "errors": [{"reason": reason, "domain": "global", "message": "m"}]}});
        classify(Error::BadRequest(json), &Observe::default(), "message m1")
    }

    #[test]
    fn statuses_and_reasons_map_once() {
        assert!(matches!(
            answer(429, "rateLimitExceeded", "RESOURCE_EXHAUSTED"),
            Failure::Retry(_)
        ));
        assert!(matches!(
            answer(403, "userRateLimitExceeded", "PERMISSION_DENIED"),
            Failure::Retry(_)
        ));
        assert!(matches!(answer(503, "backendError", "UNAVAILABLE"), Failure::Retry(_)));
        assert!(matches!(
            answer(403, "insufficientPermissions", "PERMISSION_DENIED"),
            Failure::Error(MailError::Forbidden { .. })
        ));
        assert!(matches!(
            answer(401, "authError", "UNAUTHENTICATED"),
            Failure::Error(MailError::Unauthorized { reason }) if reason == "UNAUTHENTICATED"
        ));
        assert!(matches!(
            answer(404, "notFound", "NOT_FOUND"),
            Failure::Error(MailError::NotFound { what }) if what == "message m1"
        ));
        assert!(matches!(
            answer(400, "invalidArgument", "INVALID_ARGUMENT"),
            Failure::Error(MailError::Provider { code, .. }) if code == "INVALID_ARGUMENT"
        ));
    }
}
