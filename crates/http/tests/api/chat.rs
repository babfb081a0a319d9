//! The chat routes' shapes and errors (ingest itself is tested in the services and app
//! crates, against the sandbox).

use serde_json::json;
use switchboard_memory::ManualClock;

use crate::accounts::{app, bearer, delete, get, member, patch, post};
use crate::support::{identity, json_call};

#[actix_web::test]
async fn routes_need_a_caller_and_refuse_bad_requests_naming_the_field() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (s, _, _) =
        json_call(&app, actix_web::test::TestRequest::get().uri("/api/chat/sources")).await;
    assert_eq!(s, 401);
    let (_, token) = member(&app, "ada@example.org").await;
    let (s, _, list) = json_call(&app, get("/api/chat/sources", &token)).await;
    assert_eq!((s, &list["data"]["sources"]), (200, &json!([])), "{list}");
    let (s, _, list) = json_call(&app, get("/api/chat/channels", &token)).await;
    assert_eq!((s, &list["data"]["channels"]), (200, &json!([])), "{list}");

    for (body, field) in [
        (json!({"kind": "irc", "token": "t"}), "kind"),
        (json!({"kind": "mattermost", "token": "t"}), "base_url"),
        (json!({"kind": "slack", "token": " "}), "token"),
        (json!({"kind": "mattermost", "token": "t", "base_url": "gopher://x"}), "base_url"),
    ] {
        let (s, _, err) = json_call(&app, bearer(post("/api/chat/sources", body), &token)).await;
        assert_eq!(s, 422, "{err}");
        assert_eq!(err["errors"][0]["field"], field, "{err}");
    }
    // Every field of a channel's PATCH is optional: an empty one reaches the ownership check.
    let channel =
        bearer(patch(&format!("/api/chat/channels/{}", uuid::Uuid::new_v4()), json!({})), &token);
    assert_eq!(json_call(&app, channel).await.0, 404);
}

#[actix_web::test]
async fn unknown_ids_are_not_found_on_every_route() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    for id in [uuid::Uuid::new_v4().to_string(), "nope".to_owned()] {
        for req in [
            get(&format!("/api/chat/sources/{id}"), &token),
            delete(&format!("/api/chat/sources/{id}"), &token),
            bearer(post(&format!("/api/chat/sources/{id}/sync"), json!({})), &token),
            bearer(patch(&format!("/api/chat/channels/{id}"), json!({"followed": false})), &token),
            bearer(
                patch(&format!("/api/chat/sources/{id}"), json!({"include_direct": true})),
                &token,
            ),
        ] {
            let (s, _, body) = json_call(&app, req).await;
            assert_eq!(s, 404, "{body}");
        }
    }
}

#[actix_web::test]
async fn the_source_list_decodes_with_the_shipped_proto() {
    use prost_reflect::{DynamicMessage, Value};

    let pool = crate::contract::shipped_contract();
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let req = get("/api/chat/sources", &token).insert_header(("Accept", "application/x-protobuf"));
    let res = actix_web::test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    let bytes = actix_web::test::read_body(res).await;
    let envelope = pool.get_message_by_name("switchboard.common.v1.Envelope").unwrap();
    let envelope = DynamicMessage::decode(envelope, bytes).unwrap();
    let any = envelope.get_field_by_name("data").unwrap();
    let any = any.as_message().unwrap();
    let type_url = any.get_field_by_name("type_url").unwrap();
    assert_eq!(type_url.as_str(), Some("type.googleapis.com/switchboard.v1.ChatSourceList"));
    let value = any.get_field_by_name("value").unwrap();
    let Value::Bytes(value) = value.as_ref() else { panic!("Any.value is bytes") };
    let list = pool.get_message_by_name("switchboard.v1.ChatSourceList").unwrap();
    assert!(DynamicMessage::decode(list, value.clone()).is_ok());
}

#[actix_web::test]
async fn slack_oauth_answers_not_found_when_it_is_not_configured() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let (s, _, body) = json_call(&app, get("/api/chat/oauth/slack/start", &token)).await;
    assert_eq!(s, 404, "{body}");
    assert!(body["message"].as_str().unwrap().contains("not configured"), "{body}");
    let callback =
        actix_web::test::TestRequest::get().uri("/api/chat/oauth/slack/callback?code=c&state=s");
    assert_eq!(json_call(&app, callback).await.0, 404);
}

#[actix_web::test]
async fn slack_events_answer_not_found_when_no_signing_secret_is_configured() {
    let (app, _) = app!(identity(ManualClock::default()));
    let events = actix_web::test::TestRequest::post()
        .uri("/api/chat/slack/events")
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("X-Slack-Request-Timestamp", "1531420618"))
        .insert_header(("X-Slack-Signature", "v0=00"))
        .set_payload(r#"{"type":"url_verification","challenge":"c"}"#);
    let (s, _, body) = json_call(&app, events).await;
    assert_eq!(s, 404, "{body}");
    assert_eq!(body["status"], "error");
    assert!(body["message"].as_str().unwrap().contains("not configured"), "{body}");
}
