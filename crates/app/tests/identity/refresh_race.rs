//! Two refreshes of one refresh token at the same moment (a mobile app with two requests in
//! flight) over PostgreSQL: within the grace period both get the same successor; after it, the
//! old token counts as reuse and revokes the session.

use std::time::Duration;

use actix_web::test::TestRequest;
use serde_json::{Value, json};
use switchboard_memory::ManualClock;
use switchboard_test_support::TestDb;

use crate::support::{call, config, count, instance};

fn refresh(token: &Value) -> TestRequest {
    TestRequest::post().uri("/api/auth/refresh").set_json(json!({"refresh_token": token}))
}

fn me(access: &Value) -> TestRequest {
    let access = access.as_str().unwrap();
    TestRequest::get().uri("/api/me").insert_header(("Authorization", format!("Bearer {access}")))
}

async fn sign_up(app: &impl crate::oauth::Service, email: &str) -> Value {
    let body = json!({"email": email, "password": "correct horse battery"});
    let req = TestRequest::post().uri("/api/auth/register").set_json(&body);
    assert_eq!(call(app, req).await.0, 201);
    let (s, _, login) = call(app, TestRequest::post().uri("/api/auth/login").set_json(&body)).await;
    assert_eq!(s, 200, "{login}");
    login["data"].clone()
}

#[actix_web::test]
async fn concurrent_refreshes_share_one_successor_and_late_reuse_revokes_the_family() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.auth.refresh_reuse_grace_secs = 10;
    let clock = ManualClock::default();
    let app = instance(&db, &config, &clock).await;
    let first = sign_up(&app, "ada@example.org").await;
    let r1 = &first["refresh_token"];

    // Both requests in flight at once: each holds its transaction until the session row lock
    // lets it through, and the second sees the first's rotation.
    let (one, two) =
        futures_util::future::join(call(&app, refresh(r1)), call(&app, refresh(r1))).await;
    assert_eq!((one.0, two.0), (200, 200), "{} {}", one.2, two.2);
    let (one, two) = (&one.2["data"], &two.2["data"]);
    assert_eq!(one["refresh_token"], two["refresh_token"], "the same successor");
    assert_ne!(one["refresh_token"], *r1);
    assert_ne!(one["access_token"], two["access_token"], "each its own access token");
    for pair in [one, two] {
        assert_eq!(call(&app, me(&pair["access_token"])).await.0, 200);
    }
    assert_eq!(count(&db, "SELECT count(*) FROM refresh_tokens").await, 2, "one rotation");
    assert_eq!(count(&db, "SELECT count(*) FROM sessions WHERE revoked_at IS NULL").await, 1);

    // Still within the grace: the old token again gets the same successor.
    clock.advance(Duration::from_secs(9));
    let (s, _, again) = call(&app, refresh(r1)).await;
    assert_eq!((s, &again["data"]["refresh_token"]), (200, &one["refresh_token"]), "{again}");

    // Past it (fixed clock moved beyond 10 s of the rotation): reuse, the family is revoked.
    clock.advance(Duration::from_secs(1));
    let (s, _, body) = call(&app, refresh(r1)).await;
    assert_eq!(s, 401, "{body}");
    let (s, _, _) = call(&app, refresh(&one["refresh_token"])).await;
    assert_eq!(s, 401, "the successor went with its session");
    assert_eq!(call(&app, me(&one["access_token"])).await.0, 401, "and its access tokens");
    assert_eq!(count(&db, "SELECT count(*) FROM sessions WHERE revoked_at IS NULL").await, 0);
}

#[actix_web::test]
async fn the_old_token_after_its_successor_was_used_is_reuse_even_within_the_grace() {
    let db = TestDb::migrated().await;
    let clock = ManualClock::default();
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let first = sign_up(&app, "bob@example.org").await;
    let (s, _, second) = call(&app, refresh(&first["refresh_token"])).await;
    assert_eq!(s, 200, "{second}");
    let (s, _, third) = call(&app, refresh(&second["data"]["refresh_token"])).await;
    assert_eq!(s, 200, "{third}");
    // The client moved on twice; the first token coming back now is a stolen copy.
    let (s, _, _) = call(&app, refresh(&first["refresh_token"])).await;
    assert_eq!(s, 401);
    assert_eq!(call(&app, me(&third["data"]["access_token"])).await.0, 401, "revoked");
}

#[actix_web::test]
async fn with_the_grace_off_a_concurrent_refresh_counts_as_reuse() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.auth.refresh_reuse_grace_secs = 0;
    let clock = ManualClock::default();
    let app = instance(&db, &config, &clock).await;
    let first = sign_up(&app, "carol@example.org").await;
    let r1 = &first["refresh_token"];
    let (one, two) =
        futures_util::future::join(call(&app, refresh(r1)), call(&app, refresh(r1))).await;
    let mut statuses = [one.0, two.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401], "{} {}", one.2, two.2);
    assert_eq!(count(&db, "SELECT count(*) FROM sessions WHERE revoked_at IS NULL").await, 0);
}
