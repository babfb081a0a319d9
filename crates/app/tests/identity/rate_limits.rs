//! The per-IP limits on registration and login hold across two app instances sharing one
//! PostgreSQL: the counts live in the database, not in either process.

use std::time::Duration;

use actix_web::test::TestRequest;
use serde_json::json;
use switchboard_memory::ManualClock;
use switchboard_test_support::TestDb;

use crate::support::{call, config, instance};

fn from(ip: &str, uri: &str, body: serde_json::Value) -> TestRequest {
    TestRequest::post().uri(uri).set_json(body).peer_addr(format!("{ip}:5000").parse().unwrap())
}

fn register(ip: &str, email: &str) -> TestRequest {
    from(ip, "/api/auth/register", json!({"email": email, "password": "correct horse"}))
}

fn login(ip: &str) -> TestRequest {
    from(ip, "/api/auth/login", json!({"email": "a@example.org", "password": "correct horse"}))
}

#[actix_web::test]
async fn register_and_login_limits_hold_across_two_instances() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.auth.limits.register_per_ip = 2;
    config.auth.limits.login_per_ip = 3;
    config.auth.limits.window_secs = 60;
    let clock = ManualClock::default();
    let (one, two) = (instance(&db, &config, &clock).await, instance(&db, &config, &clock).await);

    assert_eq!(call(&one, register("10.0.0.1", "a@example.org")).await.0, 201);
    assert_eq!(call(&two, register("10.0.0.1", "b@example.org")).await.0, 201);
    for app in [&one, &two] {
        let (s, retry, b) = call(app, register("10.0.0.1", "c@example.org")).await;
        assert_eq!((s, retry.as_deref()), (429, Some("60")), "{b}");
        assert_eq!(b["status"], "error");
        assert_eq!(b["message"], "too many requests; retry in 60 seconds");
    }
    let (s, _, _) = call(&two, register("10.0.0.2", "c@example.org")).await;
    assert_eq!(s, 201, "another address has its own count");

    for app in [&one, &two, &one] {
        let (s, _, b) = call(app, login("10.0.0.1")).await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, retry, _) = call(&two, login("10.0.0.1")).await;
    assert_eq!((s, retry.as_deref()), (429, Some("60")), "the other instance counted them");
    clock.advance(Duration::from_secs(20));
    let (s, retry, _) = call(&one, login("10.0.0.1")).await;
    assert_eq!((s, retry.as_deref()), (429, Some("40")));

    clock.advance(Duration::from_secs(40));
    assert_eq!(call(&two, login("10.0.0.1")).await.0, 200, "the window passed");
    assert_eq!(call(&one, register("10.0.0.1", "d@example.org")).await.0, 201);
    let rows: i64 = db
        .client()
        .await
        .query_one("SELECT count(*) FROM throttles WHERE bucket LIKE '%10.0.0.1'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 2, "one register and one login bucket for the address, in PostgreSQL");
}
