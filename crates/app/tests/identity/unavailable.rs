//! While PostgreSQL cannot be reached, every request that needs it answers 503 with
//! `Retry-After` in the envelope (not 500, and not 401 for a token that could not be checked),
//! and the same app answers normally once the database is back.

use actix_web::test::TestRequest;
use serde_json::json;
use switchboard_memory::ManualClock;
use switchboard_test_support::{TestDb, admin_url};
use tokio_postgres::NoTls;

use crate::support::{call, config, instance};

async fn admin() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(admin_url(), NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// Refuses new connections to `db` and ends the ones open (the pool's included), as a
/// PostgreSQL restart does; `pg_terminate_backend` waits until each backend is gone.
async fn take_down(db: &TestDb) {
    let admin = admin().await;
    admin
        .batch_execute(&format!("ALTER DATABASE \"{}\" WITH ALLOW_CONNECTIONS false", db.name()))
        .await
        .unwrap();
    // The pids first, then one call each: in a single `WHERE datname = … AND
    // pg_terminate_backend(pid)` the planner may call the function on other databases' rows.
    let pids: Vec<i32> = admin
        .query("SELECT pid FROM pg_stat_activity WHERE datname = $1", &[&db.name()])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut ended = 0;
    for pid in pids {
        let row = admin.query_one("SELECT pg_terminate_backend($1, 5000)", &[&pid]).await.unwrap();
        ended += usize::from(row.get::<_, bool>(0));
    }
    assert!(ended > 0, "the app's pool held connections to end");
}

async fn bring_back(db: &TestDb) {
    admin()
        .await
        .batch_execute(&format!("ALTER DATABASE \"{}\" WITH ALLOW_CONNECTIONS true", db.name()))
        .await
        .unwrap();
}

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

    take_down(&db).await;
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

    bring_back(&db).await;
    let (status, _, body) = call(&app, bearer(TestRequest::get().uri("/api/me"), &token)).await;
    assert_eq!(status, 200, "the pool reconnects once the database is back: {body}");
    assert_eq!(body["data"]["email"], "ada@example.org");
}
