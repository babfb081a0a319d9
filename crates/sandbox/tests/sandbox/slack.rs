//! The fake Slack Web API against its documentation.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::Value;
use switchboard_sandbox::{NewPost, Provider, RunningSandbox, SLACK_TOKEN};

use crate::support::{client, start};

/// Calls a method the way most clients do: POST, form-encoded, bearer token.
async fn call(sb: &RunningSandbox, method: &str, args: &[(&str, &str)]) -> Value {
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

fn channel_id(sb: &RunningSandbox, name: &str) -> String {
    sb.channels(Provider::Slack).into_iter().find(|c| c.name == name).unwrap().id
}

/// Every message of `conversations.history` for `channel` within `extra`, page by page.
async fn walk_history(
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

fn ts(message: &Value) -> f64 {
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
async fn history_cursor_paging_walks_every_message_once_newest_first() {
    let sb = start();
    let channel = channel_id(&sb, "microscopy");
    let small = walk_history(&sb, &channel, 97, &[]).await;
    let large = walk_history(&sb, &channel, 999, &[]).await;
    assert_eq!(small, large, "the page size changes nothing");
    let stamps: Vec<f64> = small.iter().map(ts).collect();
    assert!(stamps.windows(2).all(|w| w[0] > w[1]), "strictly newest first, no repeats");
    assert!(small.iter().all(|m| m["type"] == "message"));
    assert!(small.iter().all(|m| m.get("parent_user_id").is_none()), "no replies in history");

    // Live posts = live top-level messages + the replies the parents count.
    let live_top = small.iter().filter(|m| m.get("subtype").is_none()).count();
    let replies: u64 = small.iter().filter_map(|m| m["reply_count"].as_u64()).sum();
    let info = sb.channels(Provider::Slack).into_iter().find(|c| c.id == channel).unwrap();
    assert_eq!(live_top + replies as usize, info.live_posts);
    assert!(small.iter().any(|m| m["edited"]["ts"].is_string()), "some edits");
    let edited = small.iter().find(|m| m["edited"].is_object()).unwrap();
    assert!(edited["edited"]["user"].as_str().unwrap().starts_with('U'));
    assert!(edited["edited"]["ts"].as_str().unwrap() > edited["ts"].as_str().unwrap());
}

#[tokio::test]
async fn history_honours_oldest_latest_and_inclusive() {
    let sb = start();
    let channel = channel_id(&sb, "hpc-cluster");
    let all = walk_history(&sb, &channel, 999, &[]).await;
    let newer = all[10]["ts"].as_str().unwrap().to_owned();
    let older = all[40]["ts"].as_str().unwrap().to_owned();
    let exclusive = walk_history(&sb, &channel, 7, &[("oldest", &older), ("latest", &newer)]).await;
    assert_eq!(exclusive, all[11..40].to_vec());
    let inclusive = walk_history(
        &sb,
        &channel,
        7,
        &[("oldest", &older), ("latest", &newer), ("inclusive", "true")],
    )
    .await;
    assert_eq!(inclusive, all[10..=40].to_vec());
    let since = walk_history(&sb, &channel, 5, &[("oldest", &older)]).await;
    assert_eq!(since, all[..40].to_vec());
    let bad =
        call(&sb, "conversations.history", &[("channel", &channel), ("oldest", "yesterday")]).await;
    assert_eq!(bad["error"], "invalid_ts_oldest");
}

#[tokio::test]
async fn history_errors_follow_the_reference() {
    let sb = start();
    let missing = call(&sb, "conversations.history", &[]).await;
    assert_eq!(missing["ok"], false);
    assert_eq!(missing["error"], "invalid_arguments");
    let unknown = call(&sb, "conversations.history", &[("channel", "C0NOTHERE00")]).await;
    assert_eq!(unknown["error"], "channel_not_found");
    let foreign = channel_id(&sb, "pi-leads");
    let private = call(&sb, "conversations.history", &[("channel", &foreign)]).await;
    assert_eq!(private["error"], "channel_not_found", "a private channel of others is invisible");
}

#[tokio::test]
async fn replies_give_the_parent_then_its_replies_oldest_first() {
    let sb = start();
    let channel = channel_id(&sb, "sequencing-core");
    let history = walk_history(&sb, &channel, 999, &[]).await;
    let parent = history
        .iter()
        .filter(|m| m.get("subtype").is_none())
        .max_by_key(|m| m["reply_count"].as_u64().unwrap_or(0))
        .unwrap();
    let count = parent["reply_count"].as_u64().unwrap() as usize;
    assert!(count >= 3, "a real thread");
    assert_eq!(parent["thread_ts"], parent["ts"]);
    let parent_ts = parent["ts"].as_str().unwrap();
    let mut thread = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut args = vec![("channel", channel.as_str()), ("ts", parent_ts), ("limit", "2")];
        if !cursor.is_empty() {
            args.push(("cursor", cursor.as_str()));
        }
        let page = call(&sb, "conversations.replies", &args).await;
        assert_eq!(page["ok"], true, "{page}");
        thread.extend(page["messages"].as_array().unwrap().iter().cloned());
        cursor = page["response_metadata"]["next_cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(thread.len(), count + 1);
    assert_eq!(thread[0]["ts"], parent["ts"]);
    assert!(thread.windows(2).all(|w| ts(&w[0]) < ts(&w[1])), "oldest first");
    for reply in &thread[1..] {
        assert_eq!(reply["thread_ts"], parent["ts"]);
        assert_eq!(reply["parent_user_id"], parent["user"]);
    }
    assert_eq!(thread.last().unwrap()["ts"], parent["latest_reply"]);
    // A reply's ts gives the same thread.
    let again = call(
        &sb,
        "conversations.replies",
        &[("channel", &channel), ("ts", thread[1]["ts"].as_str().unwrap())],
    )
    .await;
    assert_eq!(again["messages"].as_array().unwrap().len(), count + 1);
    let none =
        call(&sb, "conversations.replies", &[("channel", &channel), ("ts", "1.000001")]).await;
    assert_eq!(none["error"], "thread_not_found");
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

#[tokio::test]
async fn changes_after_start_show_up_in_incremental_history() {
    let sb = start();
    let channel = channel_id(&sb, "journal-club");
    let all = walk_history(&sb, &channel, 200, &[]).await;
    let newest = all[0]["ts"].as_str().unwrap().to_owned();
    let victim =
        all.iter().find(|m| m.get("reply_count").is_none() && m.get("edited").is_none()).unwrap();
    let victim_ts = victim["ts"].as_str().unwrap().to_owned();
    let target = all
        .iter()
        .rev()
        .find(|m| m.get("reply_count").is_none() && m["ts"] != victim["ts"])
        .unwrap();
    let target_ts = target["ts"].as_str().unwrap().to_owned();

    let added = sb
        .post(
            Provider::Slack,
            NewPost {
                channel_id: &channel,
                text: "new alphafold run",
                user_id: None,
                root_id: None,
            },
        )
        .unwrap();
    let reply = sb
        .post(
            Provider::Slack,
            NewPost { channel_id: &channel, text: "nice", user_id: None, root_id: Some(&added.id) },
        )
        .unwrap();
    let edit = sb.edit_post(Provider::Slack, &channel, &target_ts, "corrected text").unwrap();
    sb.delete_post(Provider::Slack, &channel, &victim_ts).unwrap();

    let fresh = walk_history(&sb, &channel, 100, &[("oldest", &newest)]).await;
    assert_eq!(fresh.len(), 1);
    assert_eq!(fresh[0]["ts"], added.id.as_str());
    assert_eq!(fresh[0]["text"], "new alphafold run");
    assert_eq!(fresh[0]["reply_count"], 1);
    assert_eq!(fresh[0]["latest_reply"], reply.id.as_str());

    let again = walk_history(&sb, &channel, 300, &[]).await;
    let seen: HashSet<&str> = again.iter().map(|m| m["ts"].as_str().unwrap()).collect();
    assert!(!seen.contains(victim_ts.as_str()), "deleted messages leave the history");
    let edited = again.iter().find(|m| m["ts"] == target_ts.as_str()).unwrap();
    assert_eq!(edited["text"], "corrected text");
    assert_eq!(edited["edited"]["ts"].as_str().unwrap(), switchboard_ts(edit.at));
}

fn switchboard_ts(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("{}.{:06}", at.timestamp(), at.timestamp_subsec_micros())
}

#[tokio::test]
async fn a_deleted_parent_with_replies_stays_as_a_tombstone() {
    let sb = start();
    let channel = channel_id(&sb, "general");
    let root = sb
        .post(
            Provider::Slack,
            NewPost { channel_id: &channel, text: "fire drill at 3", user_id: None, root_id: None },
        )
        .unwrap();
    sb.post(
        Provider::Slack,
        NewPost { channel_id: &channel, text: "ok", user_id: None, root_id: Some(&root.id) },
    )
    .unwrap();
    sb.delete_post(Provider::Slack, &channel, &root.id).unwrap();
    let page = call(&sb, "conversations.history", &[("channel", &channel), ("limit", "1")]).await;
    let top = &page["messages"][0];
    assert_eq!(top["ts"], root.id.as_str());
    assert_eq!(top["subtype"], "tombstone");
    assert_eq!(top["reply_count"], 1);
}
