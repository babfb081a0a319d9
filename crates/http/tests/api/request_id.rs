//! `X-Request-Id`: taken, or generated, and echoed.

use actix_web::test::TestRequest;

use crate::support::{app, json_call};

#[actix_web::test]
async fn a_sane_client_id_is_echoed() {
    let app = app().await;
    let req = TestRequest::get().uri("/healthz").insert_header(("X-Request-Id", "client-42"));
    let (_, headers, _) = json_call(&app, req).await;
    assert_eq!(headers.get("x-request-id").unwrap(), "client-42");
}

#[actix_web::test]
async fn an_id_is_generated_when_missing_or_unsafe() {
    let app = app().await;
    let (_, first, _) = json_call(&app, TestRequest::get().uri("/healthz")).await;
    let (_, second, _) = json_call(&app, TestRequest::get().uri("/healthz")).await;
    let first = first.get("x-request-id").unwrap().to_str().unwrap().to_owned();
    let second = second.get("x-request-id").unwrap().to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&first).is_ok());
    assert_ne!(first, second);

    let unsafe_id =
        TestRequest::get().uri("/healthz").insert_header(("X-Request-Id", "a b<script>"));
    let (_, headers, _) = json_call(&app, unsafe_id).await;
    assert!(uuid::Uuid::parse_str(headers.get("x-request-id").unwrap().to_str().unwrap()).is_ok());
}

#[actix_web::test]
async fn errors_carry_the_id_too() {
    let app = app().await;
    let req = TestRequest::get().uri("/missing").insert_header(("X-Request-Id", "e-1"));
    let (status, headers, _) = json_call(&app, req).await;
    assert_eq!(status, 404);
    assert_eq!(headers.get("x-request-id").unwrap(), "e-1");
}
