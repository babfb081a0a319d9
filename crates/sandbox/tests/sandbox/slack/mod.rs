//! The fake Slack Web API against its documentation.

mod history;
mod oauth;

use std::time::Duration;

use serde_json::Value;
use switchboard_sandbox::{Provider, RunningSandbox, SLACK_TOKEN};

use crate::support::{client, start};

/// Calls a method the way most clients do: POST, form-encoded, bearer token.
pub(super) async fn call(sb: &RunningSandbox, method: &str, args: &[(&str, &str)]) -> Value {
    let response = client()
        .post(format!("{}/{method}", sb.slack_base_url()))
        .bearer_auth(SLACK_TOKEN)
        .form(args)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{method} answers HTTP 200");
    response.json().await.unwrap()
}

pub(super) fn channel_id(sb: &RunningSandbox, name: &str) -> String {
    sb.channels(Provider::Slack).into_iter().find(|c| c.name == name).unwrap().id
}

/// Every message of `conversations.history` for `channel` within `extra`, page by page.
pub(super) async fn walk_history(
    sb: &RunningSandbox,
    channel: &str,
    limit: usize,
    extra: &[(&str, &str)],
) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut cursor = String::new();
    let limit = limit.to_string();
    loop {
        let mut args = vec![("channel", channel), ("limit", limit.as_str())];
        args.extend_from_slice(extra);
        if !cursor.is_empty() {
            args.push(("cursor", cursor.as_str()));
        }
        let page = call(sb, "conversations.history", &args).await;
        assert_eq!(page["ok"], true, "{page}");
        let batch = page["messages"].as_array().unwrap();
        assert!(batch.len() <= limit.parse::<usize>().unwrap());
        messages.extend(batch.iter().cloned());
        cursor = page["response_metadata"]["next_cursor"].as_str().unwrap_or("").to_owned();
        assert_eq!(page["has_more"], !cursor.is_empty());
        if cursor.is_empty() {
            return messages;
        }
    }
}

pub(super) fn ts(message: &Value) -> f64 {
    message["ts"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn auth_test_names_the_demo_user_and_team() {
    let sb = start();
    let body = call(&sb, "auth.test", &[]).await;
    assert_eq!(body["ok"], true);
    assert_eq!(body["user_id"], sb.demo_user(Provider::Slack).id);
    assert_eq!(body["user"], "demo");
    assert!(body["team_id"].as_str().unwrap().starts_with('T'));
    assert!(body["url"].as_str().unwrap().ends_with(".slack.com/"));
}

#[tokio::test]
async fn token_errors_are_http_200_with_ok_false() {
    let sb = start();
    let url = format!("{}/auth.test", sb.slack_base_url());
    let none: Value = client().post(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(none["ok"], false);
    assert_eq!(none["error"], "not_authed");
    let bad = client().post(&url).bearer_auth("xoxp-wrong").send().await.unwrap();
    assert_eq!(bad.status(), 200);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"], "invalid_auth");
    // A Mattermost token is no Slack token.
    let other: Value = client()
        .get(&url)
        .bearer_auth(switchboard_sandbox::MATTERMOST_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(other["error"], "invalid_auth");
}

#[tokio::test]
async fn arguments_come_from_query_form_or_json_and_token_from_an_argument() {
    let sb = start();
    let general = channel_id(&sb, "general");
    let url = format!("{}/conversations.history", sb.slack_base_url());
    let by_query: Value = client()
        .get(&url)
        .query(&[("token", SLACK_TOKEN), ("channel", general.as_str()), ("limit", "3")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let by_form: Value = client()
        .post(&url)
        .form(&[("token", SLACK_TOKEN), ("channel", general.as_str()), ("limit", "3")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let by_json: Value = client()
        .post(&url)
        .bearer_auth(SLACK_TOKEN)
        .json(&serde_json::json!({"channel": general, "limit": 3}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_query["ok"], true, "{by_query}");
    assert_eq!(by_query["messages"].as_array().unwrap().len(), 3);
    assert_eq!(by_query, by_form);
    assert_eq!(by_query, by_json);
}

#[tokio::test]
async fn unknown_methods_are_404_unknown_method() {
    let sb = start();
    let response = client()
        .post(format!("{}/chat.nonsense", sb.slack_base_url()))
        .bearer_auth(SLACK_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unknown_method");
}

#[tokio::test]
async fn conversations_list_filters_types_and_archived_and_pages_by_cursor() {
    let sb = start();
    let names = |body: &Value| -> Vec<String> {
        body["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let public = call(&sb, "conversations.list", &[]).await;
    let public_names = names(&public);
    assert!(public_names.contains(&"general".to_owned()));
    assert!(public_names.contains(&"retreat-2023".to_owned()), "archived listed by default");
    assert!(!public_names.contains(&"grant-writing".to_owned()), "private needs types");
    let all = call(&sb, "conversations.list", &[("types", "public_channel,private_channel")]).await;
    let all_names = names(&all);
    assert!(all_names.contains(&"grant-writing".to_owned()));
    assert!(!all_names.contains(&"pi-leads".to_owned()), "not a member of pi-leads");
    let grant = &all["channels"].as_array().unwrap()
        [all_names.iter().position(|n| n == "grant-writing").unwrap()];
    assert_eq!(grant["is_private"], true);
    assert_eq!(grant["is_member"], true);
    let live = call(&sb, "conversations.list", &[("exclude_archived", "true")]).await;
    assert!(!names(&live).contains(&"retreat-2023".to_owned()));
    let bad = call(&sb, "conversations.list", &[("types", "public_channel,shared")]).await;
    assert_eq!(bad["error"], "invalid_types");

    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut args = vec![("types", "public_channel,private_channel"), ("limit", "2")];
        if !cursor.is_empty() {
            args.push(("cursor", cursor.as_str()));
        }
        let page = call(&sb, "conversations.list", &args).await;
        assert!(page["channels"].as_array().unwrap().len() <= 2);
        paged.extend(names(&page));
        cursor = page["response_metadata"]["next_cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(paged, all_names);
    let bad = call(&sb, "conversations.list", &[("cursor", "not-a-cursor")]).await;
    assert_eq!(bad["error"], "invalid_cursor");
}

#[tokio::test]
async fn users_list_pages_by_cursor_and_users_info_finds_each() {
    let sb = start();
    let everyone = call(&sb, "users.list", &[]).await;
    let all: Vec<Value> = everyone["members"].as_array().unwrap().clone();
    assert_eq!(all.len(), sb.users(Provider::Slack).len());
    assert!(all.iter().any(|u| u["deleted"] == true), "deactivated users are listed");
    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut args = vec![("limit", "7")];
        if !cursor.is_empty() {
            args.push(("cursor", cursor.as_str()));
        }
        let page = call(&sb, "users.list", &args).await;
        paged.extend(page["members"].as_array().unwrap().iter().cloned());
        cursor = page["response_metadata"]["next_cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(paged, all);
    let someone = &all[3];
    let info = call(&sb, "users.info", &[("user", someone["id"].as_str().unwrap())]).await;
    assert_eq!(&info["user"], someone);
    assert!(info["user"]["profile"]["real_name"].as_str().unwrap().contains(' '));
    let unknown = call(&sb, "users.info", &[("user", "U0NOBODY000")]).await;
    assert_eq!(unknown["error"], "user_not_found");
}

#[tokio::test]
async fn throttled_requests_get_429_with_retry_after_then_recover() {
    let sb = start();
    sb.throttle_token(SLACK_TOKEN, 2, Duration::from_secs(30));
    for _ in 0..2 {
        let response = client()
            .post(format!("{}/auth.test", sb.slack_base_url()))
            .bearer_auth(SLACK_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["retry-after"], "30");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "ratelimited");
    }
    assert_eq!(call(&sb, "auth.test", &[]).await["ok"], true);
}

#[tokio::test]
async fn a_revoked_token_answers_token_revoked() {
    let sb = start();
    sb.add_token(Provider::Slack, "xoxp-second");
    let url = format!("{}/auth.test", sb.slack_base_url());
    let before: Value =
        client().post(&url).bearer_auth("xoxp-second").send().await.unwrap().json().await.unwrap();
    assert_eq!(before["ok"], true);
    assert!(sb.revoke_token("xoxp-second"));
    let after: Value =
        client().post(&url).bearer_auth("xoxp-second").send().await.unwrap().json().await.unwrap();
    assert_eq!(after["ok"], false);
    assert_eq!(after["error"], "token_revoked");
}
