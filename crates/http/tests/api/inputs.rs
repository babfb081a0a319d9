//! Whatever strings a request brings in (JSON or Protobuf body fields, query and path
//! parameters) are checked by the extractors, before any handler: a NUL is a 422 naming the
//! field, and a query parameter that does not parse is a 422 naming it, on every route.

use actix_web::test::TestRequest;
use prost::Message;
use serde_json::{Value, json};
use switchboard_domain::identity::Role;

use crate::accounts::{app, bearer, get, member, set_role};
use crate::support::{Echo, app as plain_app, assert_error_envelope, identity, json_call};

fn assert_refused(status: u16, body: &Value, field: &str, code: &str) {
    assert_eq!(status, 422, "{body}");
    assert_error_envelope(body);
    assert_eq!(body["errors"][0]["field"], field, "{body}");
    assert_eq!(body["errors"][0]["code"], code, "{body}");
}

#[actix_web::test]
async fn a_nul_in_a_json_body_field_is_422_naming_it() {
    let (app, _) = app!(identity(Default::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let create =
        |body: Value| bearer(TestRequest::post().uri("/api/api-keys"), &token).set_json(body);
    let (status, _, body) =
        json_call(&app, create(json!({"name": "a\u{0}b", "scopes": ["read"]}))).await;
    assert_refused(status, &body, "name", "nul_byte");
    let (status, _, body) =
        json_call(&app, create(json!({"name": "ok", "scopes": ["read", "wr\u{0}"]}))).await;
    assert_refused(status, &body, "scopes[1]", "nul_byte");
    let (status, _, body) = json_call(&app, get("/api/api-keys", &token)).await;
    assert_eq!(status, 200);
    assert!(body["data"]["keys"].as_array().is_none_or(Vec::is_empty), "nothing stored: {body}");
}

#[actix_web::test]
async fn a_nul_in_a_protobuf_string_field_is_422_naming_it() {
    let app = plain_app().await;
    let req = TestRequest::post()
        .uri("/test/echo")
        .insert_header(("Content-Type", "application/x-protobuf"))
        .set_payload(Echo { text: "a\u{0}b".into(), count: 1 }.encode_to_vec());
    let (status, _, body) = json_call(&app, req).await;
    assert_refused(status, &body, "text", "nul_byte");
}

#[actix_web::test]
async fn a_nul_in_a_query_parameter_is_422_naming_it() {
    let (app, _) = app!(identity(Default::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    for (uri, field) in [
        ("/api/events?model=%00", "model"),
        ("/api/events?object_id=%00", "object_id"),
        ("/api/events?limit=5&model=user%00x", "model"),
    ] {
        let (status, _, body) = json_call(&app, get(uri, &token)).await;
        assert_refused(status, &body, field, "nul_byte");
    }
}

#[actix_web::test]
async fn a_nul_in_a_path_parameter_is_422_naming_it() {
    let (app, _) = app!(identity(Default::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    for uri in ["/api/chat/sources/%00", "/api/stats/pulse/a%00b", "/api/api-keys/%00"] {
        let req = if uri.starts_with("/api/api-keys") {
            bearer(TestRequest::delete().uri(uri), &token)
        } else {
            get(uri, &token)
        };
        let (status, _, body) = json_call(&app, req).await;
        assert_refused(status, &body, "id", "nul_byte");
    }
}

#[actix_web::test]
async fn a_query_parameter_that_does_not_parse_is_422_naming_it_on_every_route() {
    let (app, uow) = app!(identity(Default::default()));
    let (_, token) = member(&app, "root@example.org").await;
    set_role(&uow, "root@example.org", Role::Superadmin).await;
    for (uri, field) in [
        ("/api/events?limit=abc", "limit"),
        ("/api/events?limit=-1", "limit"),
        ("/api/admin/users?limit=abc", "limit"),
        ("/api/admin/users?offset=1.5", "offset"),
        ("/api/admin/jobs?after=x", "after"),
        ("/api/admin/jobs?limit=abc", "limit"),
        ("/api/chat/oauth/slack/start?redirect=maybe", "redirect"),
    ] {
        let (status, _, body) = json_call(&app, get(uri, &token)).await;
        assert_refused(status, &body, field, "invalid");
    }
    let (status, _, body) = json_call(&app, get("/api/events?color=red", &token)).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("`color`"), "{body}");
}
