//! Failed logins over PostgreSQL: a stranger who knows an email slows only their own address
//! (growing waits), its owner still signs in from theirs; a high ceiling of failures over all
//! addresses locks the account for everyone; a success forgets the pair's failures.

use std::time::Duration;

use actix_web::test::TestRequest;
use serde_json::json;
use switchboard_app::config::Config;
use switchboard_memory::ManualClock;
use switchboard_test_support::TestDb;

use crate::support::{call, config, instance};

const OWNER: &str = "owner@example.org";

fn login(ip: &str, password: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/auth/login")
        .set_json(json!({"email": OWNER, "password": password}))
        .peer_addr(format!("{ip}:6000").parse().unwrap())
}

fn limits(free: u32, ceiling: u32) -> Config {
    let mut config = config();
    let limits = &mut config.auth.limits;
    limits.failed_per_account_ip = free;
    limits.failed_delay_secs = 2;
    limits.failed_delay_max_secs = 60;
    limits.failed_per_account = ceiling;
    limits.failed_account_window_secs = 3600;
    limits.failed_per_ip = 1000;
    limits.login_per_ip = 1000;
    config
}

async fn register(app: &impl crate::oauth::Service) {
    let body = json!({"email": OWNER, "password": "correct horse battery"});
    let req = TestRequest::post().uri("/api/auth/register").set_json(&body);
    assert_eq!(call(app, req).await.0, 201);
}

const RIGHT: &str = "correct horse battery";
const WRONG: &str = "wrong horse battery";

#[actix_web::test]
async fn an_attackers_address_waits_longer_each_time_while_the_owner_signs_in() {
    let db = TestDb::migrated().await;
    let clock = ManualClock::default();
    let (config, attacker, owner) = (limits(3, 100), "203.0.113.9", "198.51.100.7");
    let (app, other) = (instance(&db, &config, &clock).await, instance(&db, &config, &clock).await);
    register(&app).await;

    for _ in 0..3 {
        assert_eq!(call(&app, login(attacker, WRONG)).await.0, 401, "free failures");
    }
    let mut waits = Vec::new();
    for _ in 0..4 {
        let (s, _, body) = call(&app, login(attacker, WRONG)).await;
        assert_eq!(s, 401, "{body}");
        // The next attempt waits, even with the right password, on either server.
        let (s, retry, body) = call(&other, login(attacker, RIGHT)).await;
        assert_eq!(s, 429, "{body}");
        assert_eq!(body["status"], "error");
        let retry: u64 = retry.unwrap().parse().unwrap();
        waits.push(retry);
        // Meanwhile the owner, from their own address, signs in at once.
        let (s, _, body) = call(&app, login(owner, RIGHT)).await;
        assert_eq!(s, 200, "the owner is not locked out: {body}");
        clock.advance(Duration::from_secs(retry));
    }
    assert_eq!(waits, [2, 4, 8, 16], "each failure doubles the wait");
    let (s, retry, _) = call(&app, login(attacker, WRONG)).await;
    assert_eq!((s, retry), (401, None), "after the wait, one more guess");
    let (s, retry, _) = call(&app, login(attacker, WRONG)).await;
    assert_eq!((s, retry.as_deref()), (429, Some("32")));
    clock.advance(Duration::from_secs(32));
    for _ in 0..2 {
        assert_eq!(call(&app, login(attacker, WRONG)).await.0, 401);
        let (s, retry, _) = call(&app, login(attacker, WRONG)).await;
        assert_eq!((s, retry.as_deref()), (429, Some("60")), "capped at the longest wait");
        clock.advance(Duration::from_secs(60));
    }
}

#[actix_web::test]
async fn the_account_ceiling_locks_every_address() {
    let db = TestDb::migrated().await;
    let clock = ManualClock::default();
    let config = limits(3, 6);
    let app = instance(&db, &config, &clock).await;
    register(&app).await;
    // Six failures spread over three addresses, none of them waiting yet.
    for ip in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        for _ in 0..2 {
            assert_eq!(call(&app, login(ip, WRONG)).await.0, 401);
        }
    }
    clock.advance(Duration::from_secs(600));
    for ip in ["192.0.2.1", "198.51.100.7", "192.0.2.200"] {
        let (s, retry, body) = call(&app, login(ip, RIGHT)).await;
        assert_eq!((s, retry.as_deref()), (429, Some("3000")), "{ip}: {body}");
    }
    clock.advance(Duration::from_secs(3000));
    let (s, _, body) = call(&app, login("198.51.100.7", RIGHT)).await;
    assert_eq!(s, 200, "the window passed: {body}");
}

#[actix_web::test]
async fn a_success_forgets_the_pairs_failures() {
    let db = TestDb::migrated().await;
    let clock = ManualClock::default();
    let config = limits(3, 100);
    let app = instance(&db, &config, &clock).await;
    register(&app).await;
    let ip = "192.0.2.50";
    for _ in 0..4 {
        assert_eq!(call(&app, login(ip, WRONG)).await.0, 401);
    }
    assert_eq!(call(&app, login(ip, RIGHT)).await.0, 429, "waiting");
    clock.advance(Duration::from_secs(2));
    assert_eq!(call(&app, login(ip, RIGHT)).await.0, 200);
    // The count starts again: three free failures, and no wait after them.
    for _ in 0..3 {
        assert_eq!(call(&app, login(ip, WRONG)).await.0, 401);
    }
    let (s, _, body) = call(&app, login(ip, RIGHT)).await;
    assert_eq!(s, 200, "the earlier failures were forgotten: {body}");
}
