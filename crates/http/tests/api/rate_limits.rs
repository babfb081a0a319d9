//! Per-IP rate limits on registration and login: 429 in the envelope with `Retry-After`,
//! counted per client address, reset when the window passes (the clock port moves time).

use std::time::Duration;

use actix_web::test::TestRequest;
use serde_json::json;
use switchboard_memory::ManualClock;
use switchboard_services::RateLimit;

use crate::accounts::{app, post};
use crate::support::{assert_error_envelope, identity, json_call};

fn from(ip: &str, req: TestRequest) -> TestRequest {
    req.peer_addr(format!("{ip}:4000").parse().unwrap())
}

fn register(ip: &str, email: &str) -> TestRequest {
    from(ip, post("/api/auth/register", json!({"email": email, "password": "correct horse"})))
}

fn login(ip: &str) -> TestRequest {
    from(
        ip,
        post("/api/auth/login", json!({"email": "u@example.org", "password": "correct horse"})),
    )
}

fn limited(clock: &ManualClock) -> switchboard_services::Identity<crate::support::TestPorts> {
    let mut id = identity(clock.clone());
    let window = Duration::from_secs(60);
    id.policy.register_per_ip = RateLimit { limit: 2, window };
    id.policy.login_per_ip = RateLimit { limit: 3, window };
    id
}

/// Asserts a 429 in the envelope whose `Retry-After` is `secs`.
fn assert_throttled(
    (status, headers, body): (u16, actix_web::http::header::HeaderMap, serde_json::Value),
    secs: u64,
) {
    assert_eq!(status, 429, "{body}");
    assert_eq!(headers.get("retry-after").unwrap().to_str().unwrap(), secs.to_string());
    let message = assert_error_envelope(&body);
    assert!(message.contains(&format!("retry in {secs} seconds")), "{message}");
}

#[actix_web::test]
async fn registration_is_limited_per_ip() {
    let clock = ManualClock::default();
    let (app, _) = app!(limited(&clock));
    for email in ["a@example.org", "b@example.org"] {
        let (s, _, b) = json_call(&app, register("10.0.0.1", email)).await;
        assert_eq!(s, 201, "{b}");
    }
    assert_throttled(json_call(&app, register("10.0.0.1", "c@example.org")).await, 60);
    let (s, _, _) = json_call(&app, register("10.0.0.2", "c@example.org")).await;
    assert_eq!(s, 201, "another address has its own count");
    clock.advance(Duration::from_secs(45));
    assert_throttled(json_call(&app, register("10.0.0.1", "d@example.org")).await, 15);
    clock.advance(Duration::from_secs(15));
    let (s, _, b) = json_call(&app, register("10.0.0.1", "d@example.org")).await;
    assert_eq!(s, 201, "the window passed: {b}");
}

#[actix_web::test]
async fn login_is_limited_per_ip_even_with_the_right_password() {
    let clock = ManualClock::default();
    let (app, _) = app!(limited(&clock));
    let (s, _, _) = json_call(&app, register("10.9.9.9", "u@example.org")).await;
    assert_eq!(s, 201);
    for _ in 0..3 {
        let (s, _, b) = json_call(&app, login("10.0.0.1")).await;
        assert_eq!(s, 200, "{b}");
    }
    assert_throttled(json_call(&app, login("10.0.0.1")).await, 60);
    let (s, _, _) = json_call(&app, login("10.0.0.2")).await;
    assert_eq!(s, 200, "another address has its own count");
    clock.advance(Duration::from_secs(59));
    assert_throttled(json_call(&app, login("10.0.0.1")).await, 1);
    clock.advance(Duration::from_secs(1));
    let (s, _, b) = json_call(&app, login("10.0.0.1")).await;
    assert_eq!(s, 200, "the window passed: {b}");
}
