//! Every kind of error answers in the envelope, with the right status.

use actix_web::test::{self, TestRequest};
use switchboard_memory::StaticReadiness;

use crate::support::{BODY_LIMIT, app, app_with, assert_error_envelope, json_call};

#[actix_web::test]
async fn unknown_route_is_404_in_the_envelope() {
    let app = app().await;
    let (status, _, body) = json_call(&app, TestRequest::get().uri("/no/such/thing")).await;
    assert_eq!(status, 404);
    assert!(assert_error_envelope(&body).contains("/no/such/thing"));
}

#[actix_web::test]
async fn wrong_method_is_405_with_allow() {
    let app = app().await;
    let (status, headers, body) = json_call(&app, TestRequest::delete().uri("/version")).await;
    assert_eq!(status, 405);
    assert_eq!(headers.get("allow").unwrap(), "GET");
    assert!(assert_error_envelope(&body).contains("DELETE"));
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"text": "hi""#);
    let (status, _, body) = json_call(&app, req).await;
    assert_eq!(status, 400);
    assert!(assert_error_envelope(&body).contains("malformed JSON"));
}

#[actix_web::test]
async fn trailing_garbage_after_json_is_400() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"text": "hi", "count": 1} x"#);
    let (status, _, _) = json_call(&app, req).await;
    assert_eq!(status, 400);
}

#[actix_web::test]
async fn a_value_of_the_wrong_type_is_422_naming_the_field() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"text": "hi", "count": "three"}"#);
    let (status, _, body) = json_call(&app, req).await;
    assert_eq!(status, 422);
    assert_error_envelope(&body);
    assert_eq!(body["errors"][0]["field"], "count");
    assert_eq!(body["errors"][0]["code"], "invalid");
}

#[actix_web::test]
async fn wrong_content_type_is_415_in_json_even_for_protobuf_clients() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "text/plain"))
        .insert_header(("Accept", "application/x-protobuf"))
        .set_payload("hello");
    let (status, headers, body) = json_call(&app, req).await;
    assert_eq!(status, 415);
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
    assert!(headers.get("accept-post").is_some());
    assert!(assert_error_envelope(&body).contains("application/json"));
}

#[actix_web::test]
async fn missing_content_type_is_415() {
    let app = app().await;
    let req = TestRequest::post().uri("/test/echo").set_payload(r#"{"text":"hi"}"#);
    let (status, _, _) = json_call(&app, req).await;
    assert_eq!(status, 415);
}

#[actix_web::test]
async fn body_over_the_limit_is_413() {
    let app = app().await;
    let text = "x".repeat(BODY_LIMIT + 1);
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(format!(r#"{{"text":"{text}"}}"#));
    let (status, _, body) = json_call(&app, req).await;
    assert_eq!(status, 413);
    assert!(assert_error_envelope(&body).contains(&BODY_LIMIT.to_string()));
}

#[actix_web::test]
async fn a_body_within_the_limit_is_accepted() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"text":"hi","count":2}"#);
    let (status, _, body) = json_call(&app, req).await;
    assert_eq!(status, 201);
    assert_eq!(body["status"], "success");
    assert_eq!(body["data"], serde_json::json!({"text": "hi", "count": 2}));
    assert!(body.get("errors").is_none(), "no `errors` on success: {body}");
}

#[actix_web::test]
async fn a_panicking_handler_is_500_without_detail() {
    let app = app().await;
    let req = TestRequest::get().uri("/test/panic").insert_header(("X-Request-Id", "panic-1"));
    let (status, headers, body) = json_call(&app, req).await;
    assert_eq!(status, 500);
    assert_eq!(headers.get("x-request-id").unwrap(), "panic-1");
    let message = assert_error_envelope(&body);
    assert_eq!(message, "internal server error");
    assert!(!body.to_string().contains("secret"), "{body}");
}

#[actix_web::test]
async fn the_app_keeps_serving_after_a_panic() {
    let app = app().await;
    let (status, _, _) = json_call(&app, TestRequest::get().uri("/test/panic")).await;
    assert_eq!(status, 500);
    let (status, _, _) = json_call(&app, TestRequest::get().uri("/healthz")).await;
    assert_eq!(status, 200);
}

#[actix_web::test]
async fn not_ready_is_503_naming_the_failing_dependency() {
    let app = app_with(StaticReadiness::failing("database", "connection refused")).await;
    let (status, _, body) = json_call(&app, TestRequest::get().uri("/readyz")).await;
    assert_eq!(status, 503);
    assert_eq!(assert_error_envelope(&body), "not ready");
    assert_eq!(body["errors"][0]["field"], "database");
    assert_eq!(body["errors"][0]["message"], "connection refused");
}

#[actix_web::test]
async fn liveness_does_not_depend_on_readiness() {
    let app = app_with(StaticReadiness::failing("database", "down")).await;
    let (status, _, body) = json_call(&app, TestRequest::get().uri("/healthz")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "alive");
}

#[actix_web::test]
async fn ready_lists_its_checks() {
    let app = app().await;
    let (status, _, body) = json_call(&app, TestRequest::get().uri("/readyz")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["ready"], true);
    assert_eq!(body["data"]["checks"][0]["ok"], true);
}

#[actix_web::test]
async fn cors_allows_configured_origins_only() {
    let app = app().await;
    let allowed =
        TestRequest::get().uri("/version").insert_header(("Origin", "https://app.example"));
    let (status, headers, _) = json_call(&app, allowed).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("access-control-allow-origin").unwrap(), "https://app.example");

    let other =
        TestRequest::get().uri("/version").insert_header(("Origin", "https://evil.example"));
    let (_, headers, _) = json_call(&app, other).await;
    assert!(headers.get("access-control-allow-origin").is_none());

    let preflight = |origin: &'static str| {
        TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/version")
            .insert_header(("Origin", origin))
            .insert_header(("Access-Control-Request-Method", "GET"))
    };
    // A successful preflight is answered by the CORS layer itself, with no body: browsers
    // consume it, client code never sees it.
    let res = test::call_service(&app, preflight("https://app.example").to_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("access-control-allow-origin").unwrap(), "https://app.example");
    let (status, headers, body) = json_call(&app, preflight("https://evil.example")).await;
    assert!(headers.get("access-control-allow-origin").is_none());
    assert_eq!(status, 400);
    assert_error_envelope(&body);
}
