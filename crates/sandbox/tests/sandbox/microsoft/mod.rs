//! The fake Microsoft identity platform and Graph mail API against Microsoft's documentation.

mod delta;
mod graph;
mod identity;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use switchboard_sandbox::{MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, RunningSandbox};

use crate::support::{client, sandbox};

pub(super) const REDIRECT: &str = "http://127.0.0.1:9999/callback";
pub(super) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox-verifier";

pub(super) fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub(super) fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `{login}/{tenant}/oauth2/v2.0/{endpoint}` for the `organizations` alias.
pub(super) fn endpoint(sb: &RunningSandbox, endpoint: &str) -> String {
    format!("{}/organizations/oauth2/v2.0/{endpoint}", sb.microsoft_login_base_url())
}

/// Authorizes as a browser would; the query the browser is sent back with.
pub(super) async fn authorize(
    sb: &RunningSandbox,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut query = vec![
        ("client_id", MICROSOFT_CLIENT_ID),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile email offline_access Mail.Read"),
        ("state", "state-1"),
    ];
    query.extend_from_slice(extra);
    let response =
        no_redirects().get(endpoint(sb, "authorize")).query(&query).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let back = location.strip_prefix(&format!("{REDIRECT}?")).unwrap();
    serde_urlencoded::from_str(back).unwrap()
}

pub(super) fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Posts a form to the token endpoint with the built-in client's credentials.
pub(super) async fn token(sb: &RunningSandbox, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut form = form.to_vec();
    form.push(("client_id", MICROSOFT_CLIENT_ID));
    form.push(("client_secret", MICROSOFT_CLIENT_SECRET));
    let response = client().post(endpoint(sb, "token")).form(&form).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// A code exchanged with PKCE for the mailbox `login_hint` names.
pub(super) async fn sign_in(sb: &RunningSandbox, login_hint: &str, scope: &str) -> Value {
    let challenge = challenge(VERIFIER);
    let back = authorize(
        sb,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("login_hint", login_hint),
            ("scope", scope),
        ],
    )
    .await;
    let code = param(&back, "code").unwrap().to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = token(sb, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub(super) async fn graph(sb: &RunningSandbox, token: &str, path: &str) -> reqwest::Response {
    client().get(format!("{}{path}", sb.graph_base_url())).bearer_auth(token).send().await.unwrap()
}

pub(super) async fn graph_json(sb: &RunningSandbox, token: &str, path: &str) -> Value {
    let response = graph(sb, token, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// Asserts the identity platform's error shape and returns the AADSTS number.
pub(super) fn aad_error(body: &Value, error: &str) -> u64 {
    assert_eq!(body["error"], error, "{body}");
    let code = body["error_codes"][0].as_u64().unwrap();
    let description = body["error_description"].as_str().unwrap();
    assert!(description.starts_with(&format!("AADSTS{code}: ")), "{description}");
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].as_str().is_some_and(|v| !v.is_empty()), "{field} in {body}");
    }
    code
}

#[test]
fn mailboxes_are_deterministic_threaded_and_varied() {
    let (a, b) = (sandbox(), sandbox());
    let demo = a.mailboxes()[0].address.clone();
    let messages = a.mail_messages(&demo, None).unwrap();
    assert_eq!(messages, b.mail_messages(&demo, None).unwrap());
    assert!(messages.len() >= 500, "hundreds of messages: {}", messages.len());
    let span = messages[0].received_at - messages[messages.len() - 1].received_at;
    assert!(span.num_days() >= 80, "about 90 days: {span}");
    let mut by_conversation = std::collections::HashMap::<&str, usize>::new();
    for m in &messages {
        *by_conversation.entry(&m.conversation_id).or_default() += 1;
    }
    assert!(by_conversation.values().any(|&n| n >= 3), "threads of several messages");
    assert!(messages.iter().any(|m| m.subject.starts_with("RE: ")));
    assert!(messages.iter().any(|m| m.is_read) && messages.iter().any(|m| !m.is_read));
    assert!(messages.iter().filter(|m| !m.attachments.is_empty()).count() >= 10);
    assert!(messages.iter().any(|m| m.subject.chars().any(|c| c as u32 > 0x1F000)), "emoji");
    let senders: std::collections::HashSet<&str> =
        messages.iter().map(|m| m.from.as_str()).collect();
    assert!(senders.len() >= 8, "several senders: {senders:?}");
    let folders = a.mail_folders(&demo).unwrap();
    for name in ["inbox", "sentitems", "deleteditems", "drafts", "junkemail", "archive"] {
        assert!(folders.iter().any(|f| f.well_known.as_deref() == Some(name)), "{name}");
    }
    assert!(
        folders.iter().any(|f| f.parent_id.is_some() && f.total > 0),
        "child folders hold mail"
    );
}

#[test]
fn each_mailbox_has_its_topics_and_a_hot_topic_only_in_the_last_two_days() {
    let sb = sandbox();
    for mailbox in sb.mailboxes() {
        let messages = sb.mail_messages(&mailbox.address, None).unwrap();
        let about = |topic: &str| {
            let topic = topic.to_lowercase();
            messages.iter().filter(move |m| m.subject.to_lowercase().contains(&topic))
        };
        let hot = &mailbox.hot_topics[0];
        let recent = sb.now() - chrono::Duration::days(2);
        assert!(about(hot).count() >= 3, "{hot} in {}", mailbox.address);
        assert!(about(hot).all(|m| m.received_at >= recent), "{hot} only lately");
        for topic in &mailbox.topics {
            assert!(about(topic).count() >= 10, "{topic} recurs in {}", mailbox.address);
        }
    }
}

#[tokio::test]
async fn the_admin_api_drives_the_microsoft_side_and_graph_can_live_at_v1_0() {
    let sb = crate::support::sandbox_builder().graph_path("v1.0").build().start_local().unwrap();
    assert!(sb.graph_base_url().ends_with(&format!("{}/v1.0", sb.addr())));
    let admin = format!("{}/microsoft", sb.admin_base_url());
    let http = client();
    let mailboxes: Value =
        http.get(format!("{admin}/mailboxes")).send().await.unwrap().json().await.unwrap();
    let colleague = mailboxes[1]["address"].as_str().unwrap().to_owned();
    let minted: Value = http
        .post(format!("{admin}/tokens"))
        .json(&serde_json::json!({"mailbox": colleague, "scopes": "Mail.Read"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = minted["access_token"].as_str().unwrap();
    assert_eq!(graph_json(&sb, access, "/me").await["mail"], colleague.as_str());

    let added: Value = http
        .post(format!("{admin}/messages"))
        .json(&serde_json::json!({"mailbox": colleague, "subject": "Big scan", "body": "<p>Hi</p>", "html": true, "attachment_bytes": 5_000_000}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = added["id"].as_str().unwrap();
    assert_eq!(added["attachments"][0][2], 5_000_000);
    let message =
        graph_json(&sb, access, &format!("/me/messages/{id}?$select=subject,isRead")).await;
    assert_eq!(
        (message["subject"].as_str(), message["isRead"].as_bool()),
        (Some("Big scan"), Some(false))
    );
    let read = http
        .post(format!("{admin}/messages/read"))
        .json(&serde_json::json!({"mailbox": colleague, "message_id": id, "is_read": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(graph_json(&sb, access, &format!("/me/messages/{id}")).await["isRead"], true);
    let huge = http
        .post(format!("{admin}/messages"))
        .json(&serde_json::json!({"subject": "Too big", "attachment_bytes": 200_000_000_000u64}))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::BAD_REQUEST);
    let unknown = http
        .post(format!("{admin}/messages/delete"))
        .json(&serde_json::json!({"mailbox": colleague, "message_id": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    http.post(format!("{admin}/throttle"))
        .json(&serde_json::json!({"requests": 1, "retry_after": 3}))
        .send()
        .await
        .unwrap();
    let throttled = graph(&sb, access, "/me").await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()["retry-after"], "3");

    let assertion: Value = http
        .post(format!("{admin}/assertions"))
        .json(&serde_json::json!({"mailbox": colleague, "expires_in": -60}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("requested_token_use", "on_behalf_of"),
        ("assertion", assertion["assertion"].as_str().unwrap()),
        ("scope", "Mail.Read"),
    ];
    let (status, body) = token(&sb, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(aad_error(&body, "invalid_grant"), 500_133);
}
