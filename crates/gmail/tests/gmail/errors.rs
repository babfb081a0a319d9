//! Gmail's documented error answers (<https://developers.google.com/workspace/gmail/api/guides/handle-errors>)
//! served by wiremock: which are retried, how often, and what the caller hears.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard_gmail::{GmailConfig, GmailSources};
use switchboard_ports::mail::{MailError, MailSource, SyncCursor, SyncFrom};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::tiny_retries;

fn error(code: u16, status: &str, reason: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message, "status": status,
        "errors": [{"message": message, "domain": "usageLimits", "reason": reason}]}})
}

const PROFILE: &str = "/gmail/v1/users/me/profile";

fn profile() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "emailAddress": "demo@gmail.com", "messagesTotal": 3, "threadsTotal": 2, "historyId": "77"
    }))
}

async fn mock() -> (MockServer, GmailSources) {
    let server = MockServer::start().await;
    let config = GmailConfig { retry: tiny_retries(), ..GmailConfig::new(server.uri()) };
    (server, GmailSources::new(config).unwrap())
}

/// `answer` `times` times, then the profile.
async fn failing_then_ok(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(PROFILE))
        .respond_with(answer)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET")).and(path(PROFILE)).respond_with(profile()).mount(server).await;
}

async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn both_403_quota_reasons_are_retried_like_429() {
    for (status, code, reason) in [
        (403, "PERMISSION_DENIED", "rateLimitExceeded"),
        (403, "PERMISSION_DENIED", "userRateLimitExceeded"),
        (429, "RESOURCE_EXHAUSTED", "rateLimitExceeded"),
    ] {
        let (server, sources) = mock().await;
        let answer = ResponseTemplate::new(status).set_body_json(error(
            status,
            code,
            reason,
            "Quota exceeded",
        ));
        failing_then_ok(&server, answer, 2).await;
        let me = sources.standalone("t").identity().await.unwrap();
        assert_eq!(me.address, "demo@gmail.com", "{reason}");
        assert_eq!(hits(&server).await, 3, "{status} {reason}: two retries, then the answer");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_are_bounded_and_a_long_retry_after_is_not_waited() {
    let (server, sources) = mock().await;
    let answer = ResponseTemplate::new(429).set_body_json(error(
        429,
        "RESOURCE_EXHAUSTED",
        "rateLimitExceeded",
        "Slow down",
    ));
    failing_then_ok(&server, answer, 10).await;
    let err = sources.standalone("t").identity().await.unwrap_err();
    assert!(matches!(err, MailError::RateLimited { .. }), "{err:?}");
    assert_eq!(hits(&server).await, 3, "the first try and two retries");

    let (server, sources) = mock().await;
    let answer = ResponseTemplate::new(403)
        .insert_header("Retry-After", "600")
        .set_body_json(error(403, "PERMISSION_DENIED", "userRateLimitExceeded", "Slow down"));
    failing_then_ok(&server, answer, 10).await;
    let err = sources.standalone("t").identity().await.unwrap_err();
    assert_eq!(err, MailError::RateLimited { retry_after: Duration::from_secs(600) });
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_401_is_a_token_error_and_other_403s_are_not_retried() {
    let (server, sources) = mock().await;
    let answer = ResponseTemplate::new(401).set_body_json(error(
        401,
        "UNAUTHENTICATED",
        "authError",
        "Request had invalid authentication credentials.",
    ));
    failing_then_ok(&server, answer, 10).await;
    let err = sources.standalone("t").identity().await.unwrap_err();
    assert!(matches!(err, MailError::Unauthorized { .. }), "{err:?}");
    assert_eq!(hits(&server).await, 1);

    let (server, sources) = mock().await;
    let answer = ResponseTemplate::new(403).set_body_json(error(
        403,
        "PERMISSION_DENIED",
        "insufficientPermissions",
        "Request had insufficient authentication scopes.",
    ));
    failing_then_ok(&server, answer, 10).await;
    let err = sources.standalone("t").identity().await.unwrap_err();
    assert!(matches!(err, MailError::Forbidden { .. }), "{err:?}");
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_on_history_means_sync_from_the_window_again() {
    let (server, sources) = mock().await;
    Mock::given(method("GET"))
        .and(path("/gmail/v1/users/me/history"))
        .respond_with(ResponseTemplate::new(404).set_body_json(error(
            404,
            "NOT_FOUND",
            "notFound",
            "Requested entity was not found.",
        )))
        .mount(&server)
        .await;
    let cursor = SyncCursor("12".into());
    let err = sources.standalone("t").changes(None, SyncFrom::Cursor(&cursor)).await.unwrap_err();
    assert_eq!(err, MailError::CursorExpired);
}
