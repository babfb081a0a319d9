//! JSON by default, Protobuf on request, 406 otherwise; bodies in either encoding.

use actix_web::test::{self, TestRequest};
use prost::Message;
use switchboard_http::proto::common::{Envelope, Status};

use crate::support::{Echo, app, assert_error_envelope, json_call};

#[actix_web::test]
async fn json_is_the_default() {
    let app = app().await;
    let (status, headers, body) = json_call(&app, TestRequest::get().uri("/version")).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
    assert_eq!(body["status"], "success");
    assert_eq!(body["message"], "ok");
    assert_eq!(body["data"]["version"], "9.9.9");
    assert_eq!(body["data"]["git_commit"], "abc123");
}

#[actix_web::test]
async fn unsupported_accept_is_406_in_json() {
    let app = app().await;
    let req = TestRequest::get().uri("/version").insert_header(("Accept", "text/csv"));
    let (status, headers, body) = json_call(&app, req).await;
    assert_eq!(status, 406);
    assert_eq!(headers.get("content-type").unwrap(), "application/json");
    assert!(assert_error_envelope(&body).contains("application/x-protobuf"));
}

#[actix_web::test]
async fn a_handler_does_not_run_when_nothing_acceptable_can_be_sent() {
    let app = app().await;
    // The echo handler would answer 201; the request is refused before it runs.
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Accept", "text/html"))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"text":"hi"}"#);
    let (status, _, _) = json_call(&app, req).await;
    assert_eq!(status, 406);
}

#[actix_web::test]
async fn protobuf_answers_carry_the_envelope() {
    let app = app().await;
    let req =
        TestRequest::get().uri("/healthz").insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("content-type").unwrap(), "application/x-protobuf");
    let envelope = Envelope::decode(test::read_body(res).await).unwrap();
    assert_eq!(envelope.status(), Status::Success);
    let data = envelope.data.unwrap();
    assert_eq!(data.type_url, "type.googleapis.com/switchboard.v1.Liveness");
}

#[actix_web::test]
async fn errors_are_protobuf_for_protobuf_clients() {
    let app = app().await;
    let req = TestRequest::get().uri("/nope").insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers().get("content-type").unwrap(), "application/x-protobuf");
    let envelope = Envelope::decode(test::read_body(res).await).unwrap();
    assert_eq!(envelope.status(), Status::Error);
    assert!(envelope.data.is_none());
    assert!(envelope.message.contains("/nope"));
}

#[actix_web::test]
async fn validation_errors_are_protobuf_for_protobuf_clients() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Accept", "application/x-protobuf"))
        .insert_header(("Content-Type", "application/json"))
        .set_payload(r#"{"text": "hi", "count": -1}"#);
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 422);
    let envelope = Envelope::decode(test::read_body(res).await).unwrap();
    assert_eq!(envelope.errors[0].field, "count");
}

#[actix_web::test]
async fn protobuf_request_bodies_are_read() {
    let app = app().await;
    let body = Echo { text: "from a phone".to_owned(), count: 7 }.encode_to_vec();
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/x-protobuf"))
        .set_payload(body);
    let (status, _, json) = json_call(&app, req).await;
    assert_eq!(status, 201);
    assert_eq!(json["data"]["text"], "from a phone");
    assert_eq!(json["data"]["count"], 7);
}

#[actix_web::test]
async fn malformed_protobuf_is_400() {
    let app = app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/x-protobuf"))
        .set_payload(vec![0x0a, 0xff, 0xff]);
    let (status, _, body) = json_call(&app, req).await;
    assert_eq!(status, 400);
    assert!(assert_error_envelope(&body).contains("Protobuf"));
}
