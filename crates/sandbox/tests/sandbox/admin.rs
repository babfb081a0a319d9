//! The sandbox's admin HTTP API drives the same state as the Rust API.

use serde_json::{Value, json};
use switchboard_sandbox::{Provider, SLACK_TOKEN};

use crate::support::{client, start};

#[tokio::test]
async fn admin_api_adds_tokens_throttles_and_posts() {
    let sb = start();
    let admin = sb.admin_base_url();
    let http = client();
    let ok = http
        .post(format!("{admin}/tokens"))
        .json(&json!({"provider": "slack", "token": "xoxb-admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let channels: Vec<Value> =
        http.get(format!("{admin}/slack/channels")).send().await.unwrap().json().await.unwrap();
    let general = channels.iter().find(|c| c["name"] == "general").unwrap();
    assert!(!general["topics"].as_array().unwrap().is_empty());
    let posted: Value = http
        .post(format!("{admin}/slack/posts"))
        .json(&json!({"channel_id": general["id"], "text": "hello from admin"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let history: Value = http
        .post(format!("{}/conversations.history", sb.slack_base_url()))
        .bearer_auth("xoxb-admin")
        .form(&[("channel", general["id"].as_str().unwrap()), ("limit", "1")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["messages"][0]["ts"], posted["id"]);
    assert_eq!(history["messages"][0]["text"], "hello from admin");

    http.post(format!("{admin}/throttle"))
        .json(&json!({"token": SLACK_TOKEN, "requests": 1, "retry_after": 7}))
        .send()
        .await
        .unwrap();
    let limited = http
        .post(format!("{}/auth.test", sb.slack_base_url()))
        .bearer_auth(SLACK_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");

    http.post(format!("{admin}/tokens/revoke"))
        .json(&json!({"token": "xoxb-admin"}))
        .send()
        .await
        .unwrap();
    assert!(!sb.channels(Provider::Slack).is_empty());
    let revoked: Value = http
        .post(format!("{}/auth.test", sb.slack_base_url()))
        .bearer_auth("xoxb-admin")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["error"], "token_revoked");
}
