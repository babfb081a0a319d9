//! The webhook routes over the in-memory store: the secret shown once, SSRF refusals and bad
//! input as 422 envelopes naming the field, and another user's webhook answered as missing.

use actix_web::test::TestRequest;
use serde_json::{Value, json};
use switchboard_memory::ManualClock;

use crate::accounts::{app, bearer, delete, get, member, patch, post};
use crate::support::{assert_error_envelope, identity, json_call};

const PUBLIC: &str = "https://93.184.216.34/hooks/switchboard?team=7";

fn create(url: &str, events: Value) -> Value {
    json!({"url": url, "events": events, "description": "ci"})
}

#[actix_web::test]
async fn a_webhook_is_created_with_its_secret_shown_once_then_changed_and_deleted() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    let body =
        create(PUBLIC, json!(["mail_message.added", "chat_channel.*", "mail_message.added"]));
    let (s, _, created) = json_call(&app, bearer(post("/api/webhooks", body), &ada)).await;
    assert_eq!(s, 201, "{created}");
    let secret = created["data"]["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret.len() == 6 + 64, "{secret}");
    let hook = &created["data"]["webhook"];
    assert_eq!(hook["url"], PUBLIC);
    assert_eq!(hook["events"], json!(["mail_message.added", "chat_channel.*"]), "canonical, once");
    assert_eq!(hook["enabled"], true);
    let id = hook["id"].as_str().unwrap().to_owned();

    let (s, _, one) = json_call(&app, get(&format!("/api/webhooks/{id}"), &ada)).await;
    assert_eq!(s, 200);
    assert!(one.to_string().find("whsec_").is_none(), "the secret is never shown again");
    let change = json!({"enabled": false, "events": ["*"]});
    let (s, _, changed) =
        json_call(&app, bearer(patch(&format!("/api/webhooks/{id}"), change), &ada)).await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(
        (changed["data"]["enabled"].clone(), changed["data"]["events"].clone()),
        (json!(false), json!(["*"]))
    );
    assert_eq!(changed["data"]["url"], PUBLIC, "left out, kept");

    let rotate =
        bearer(TestRequest::post().uri(&format!("/api/webhooks/{id}/rotate-secret")), &ada);
    let (s, _, rotated) = json_call(&app, rotate).await;
    assert_eq!(s, 200);
    let new_secret = rotated["data"]["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);

    let test = bearer(TestRequest::post().uri(&format!("/api/webhooks/{id}/test")), &ada);
    let (s, _, queued) = json_call(&app, test).await;
    assert_eq!(s, 202, "{queued}");
    assert_eq!(
        (queued["data"]["event_type"].clone(), queued["data"]["state"].clone()),
        (json!("webhook.test"), json!("pending"))
    );
    let (s, _, page) =
        json_call(&app, get(&format!("/api/webhooks/{id}/deliveries?limit=10"), &ada)).await;
    assert_eq!(s, 200);
    assert_eq!(page["data"]["deliveries"].as_array().unwrap().len(), 1);

    let (s, _, events) = json_call(&app, get("/api/events?model=webhook", &ada)).await;
    assert_eq!(s, 200);
    let kinds: Vec<(String, String)> = events["data"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (e["kind"].as_str().unwrap().into(), e["attribute_name"].as_str().unwrap_or("").into())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("added".into(), String::new()),
            ("changed".into(), "events".into()),
            ("changed".into(), "enabled".into())
        ]
    );
    assert!(!events.to_string().contains(new_secret) && !events.to_string().contains(secret));

    let (s, _, _) = json_call(&app, delete(&format!("/api/webhooks/{id}"), &ada)).await;
    assert_eq!(s, 200);
    let (s, _, list) = json_call(&app, get("/api/webhooks", &ada)).await;
    assert_eq!((s, list["data"]["webhooks"].as_array().map(Vec::len)), (200, Some(0)));
}

#[actix_web::test]
async fn private_addresses_and_plain_http_are_refused_as_422_on_url() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    for (url, code) in [
        ("http://93.184.216.34/hook", "invalid"),
        ("https://127.0.0.1/hook", "forbidden_address"),
        ("https://[::1]:8443/hook", "forbidden_address"),
        ("https://10.1.2.3/hook", "forbidden_address"),
        ("https://192.168.0.10/hook", "forbidden_address"),
        ("https://169.254.169.254/latest/meta-data", "forbidden_address"),
        ("https://[fe80::1]/hook", "forbidden_address"),
        ("https://[::ffff:127.0.0.1]/hook", "forbidden_address"),
        ("https://user:pw@93.184.216.34/hook", "invalid"),
        ("ftp://93.184.216.34/hook", "invalid"),
        ("not a url", "invalid"),
    ] {
        let req = bearer(post("/api/webhooks", create(url, json!(["*"]))), &ada);
        let (s, _, body) = json_call(&app, req).await;
        assert_eq!(s, 422, "{url}: {body}");
        assert_error_envelope(&body);
        assert_eq!(
            (body["errors"][0]["field"].as_str(), body["errors"][0]["code"].as_str()),
            (Some("url"), Some(code)),
            "{url}: {body}"
        );
    }
    // A change of URL is held to the same rules.
    let (s, _, made) =
        json_call(&app, bearer(post("/api/webhooks", create(PUBLIC, json!(["*"]))), &ada)).await;
    assert_eq!(s, 201);
    let id = made["data"]["webhook"]["id"].as_str().unwrap();
    let req =
        bearer(patch(&format!("/api/webhooks/{id}"), json!({"url": "https://127.0.0.1/x"})), &ada);
    let (s, _, body) = json_call(&app, req).await;
    assert_eq!((s, body["errors"][0]["code"].as_str()), (422, Some("forbidden_address")));
    let (_, _, one) = json_call(&app, get(&format!("/api/webhooks/{id}"), &ada)).await;
    assert_eq!(one["data"]["url"], PUBLIC, "unchanged");
}

#[actix_web::test]
async fn bad_input_is_a_4xx_envelope_naming_the_field() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    for (body, field, code) in [
        (create(PUBLIC, json!(["post.added"])), "events[0]", "unknown_event"),
        (create(PUBLIC, json!(["*", "mail_message.moved"])), "events[1]", "unknown_event"),
        (create(PUBLIC, json!(["mail_message"])), "events[0]", "unknown_event"),
        (create(PUBLIC, json!([])), "events", "required"),
        (
            json!({"url": PUBLIC, "events": ["*"], "description": "x".repeat(1001)}),
            "description",
            "too_long",
        ),
        (json!({"events": ["*"]}), "url", "required"),
    ] {
        let (s, _, answer) =
            json_call(&app, bearer(post("/api/webhooks", body.clone()), &ada)).await;
        assert_eq!(s, 422, "{body}: {answer}");
        assert_eq!(answer["errors"][0]["field"].as_str(), Some(field), "{answer}");
        assert_eq!(answer["errors"][0]["code"].as_str(), Some(code), "{answer}");
    }
    let raw = TestRequest::post()
        .uri("/api/webhooks")
        .insert_header(("Content-Type", "application/json"))
        .set_payload("{\"url\": ");
    let (s, _, body) = json_call(&app, bearer(raw, &ada)).await;
    assert_eq!(s, 400);
    assert_error_envelope(&body);
    let (s, _, _) = json_call(&app, get("/api/webhooks/not-a-uuid", &ada)).await;
    assert_eq!(s, 404);
    let (s, _, made) =
        json_call(&app, bearer(post("/api/webhooks", create(PUBLIC, json!(["*"]))), &ada)).await;
    assert_eq!(s, 201);
    let id = made["data"]["webhook"]["id"].as_str().unwrap();
    for query in ["limit=0", "limit=101", "before=abc", "limit=x"] {
        let (s, _, body) =
            json_call(&app, get(&format!("/api/webhooks/{id}/deliveries?{query}"), &ada)).await;
        assert_eq!(s, 422, "{query}: {body}");
    }
    let (s, _, _) = json_call(&app, TestRequest::get().uri("/api/webhooks")).await;
    assert_eq!(s, 401);
}

#[actix_web::test]
async fn another_user_gets_404_for_every_route_of_a_webhook() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    let (_, bob) = member(&app, "bob@example.org").await;
    let (s, _, made) =
        json_call(&app, bearer(post("/api/webhooks", create(PUBLIC, json!(["*"]))), &ada)).await;
    assert_eq!(s, 201);
    let id = made["data"]["webhook"]["id"].as_str().unwrap();
    let routes = vec![
        ("get", get(&format!("/api/webhooks/{id}"), &bob)),
        ("patch", bearer(patch(&format!("/api/webhooks/{id}"), json!({"enabled": false})), &bob)),
        ("delete", delete(&format!("/api/webhooks/{id}"), &bob)),
        ("deliveries", get(&format!("/api/webhooks/{id}/deliveries"), &bob)),
        ("test", bearer(TestRequest::post().uri(&format!("/api/webhooks/{id}/test")), &bob)),
        (
            "rotate",
            bearer(TestRequest::post().uri(&format!("/api/webhooks/{id}/rotate-secret")), &bob),
        ),
    ];
    for (route, req) in routes {
        let (s, _, body) = json_call(&app, req).await;
        assert_eq!(s, 404, "{route}: {body}");
        assert_error_envelope(&body);
    }
    let (_, _, theirs) = json_call(&app, get("/api/webhooks", &bob)).await;
    assert_eq!(theirs["data"]["webhooks"], json!([]));
    let (s, _, still) = json_call(&app, get(&format!("/api/webhooks/{id}"), &ada)).await;
    assert_eq!((s, still["data"]["enabled"].clone()), (200, json!(true)), "untouched");
    let (_, _, page) = json_call(&app, get(&format!("/api/webhooks/{id}/deliveries"), &ada)).await;
    assert_eq!(page["data"]["deliveries"], json!([]), "bob's test was not queued");
}
