//! While PostgreSQL cannot be reached, every request that needs it answers 503 with
//! `Retry-After` in the envelope (not 500, and not 401 for a token that could not be checked),
//! and the same app answers normally once the database is back.

use actix_web::test::TestRequest;
use serde_json::json;
use switchboard_memory::ManualClock;
use switchboard_test_support::TestDb;

use crate::support::{call, config, instance};

fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

#[actix_web::test]
async fn an_unreachable_database_is_503_with_retry_after_then_recovers() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::default();
    let app = instance(&db, &config, &clock).await;
    let credentials = json!({"email": "ada@example.org", "password": "correct horse"});
    let register = || TestRequest::post().uri("/api/auth/register").set_json(&credentials);
    let login = || TestRequest::post().uri("/api/auth/login").set_json(&credentials);
    assert_eq!(call(&app, register()).await.0, 201);
    let (status, _, body) = call(&app, login()).await;
    assert_eq!(status, 200, "{body}");
    let token = body["data"]["access_token"].as_str().unwrap().to_owned();

    assert!(db.take_down().await > 0, "the app's pool held connections to end");
    let other = json!({"email": "bob@example.org", "password": "correct horse"});
    let requests = [
        (
            "register (public, writes)",
            TestRequest::post().uri("/api/auth/register").set_json(&other),
        ),
        ("login (public)", login()),
        (
            "me (authenticated: the session is checked in the database)",
            bearer(TestRequest::get().uri("/api/me"), &token),
        ),
        (
            "create an API key (authenticated, writes)",
            bearer(TestRequest::post().uri("/api/api-keys"), &token)
                .set_json(json!({"name": "laptop", "scopes": ["read"]})),
        ),
        ("events (authenticated read)", bearer(TestRequest::get().uri("/api/events"), &token)),
    ];
    for (what, request) in requests {
        let (status, retry_after, body) = call(&app, request).await;
        assert_eq!((status, retry_after.as_deref()), (503, Some("5")), "{what}: {body}");
        assert_eq!(body["status"], "error", "{what}");
        assert_eq!(body["message"], "storage is unavailable; retry in 5 seconds", "{what}");
        assert_eq!(body["errors"][0]["field"], "storage", "{what}");
        assert_eq!(body["errors"][0]["code"], "unavailable", "{what}");
    }

    db.bring_back().await;
    let (status, _, body) = call(&app, bearer(TestRequest::get().uri("/api/me"), &token)).await;
    assert_eq!(status, 200, "the pool reconnects once the database is back: {body}");
    assert_eq!(body["data"]["email"], "ada@example.org");
}
