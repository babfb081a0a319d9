//! The fake Mattermost API v4 against its documentation.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use switchboard_sandbox::{MATTERMOST_TOKEN, NewPost, Provider, RunningSandbox};

use crate::support::{client, start};

async fn get(sb: &RunningSandbox, path: &str) -> (StatusCode, Value) {
    let response = client()
        .get(format!("{}/api/v4{path}", sb.mattermost_base_url()))
        .bearer_auth(MATTERMOST_TOKEN)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn channel_id(sb: &RunningSandbox, name: &str) -> String {
    sb.channels(Provider::Mattermost).into_iter().find(|c| c.name == name).unwrap().id
}

/// Every post of the channel by `page`/`per_page`, page after page.
async fn walk_pages(sb: &RunningSandbox, channel: &str, per_page: usize) -> Vec<Value> {
    let mut posts = Vec::new();
    for page in 0.. {
        let (status, list) =
            get(sb, &format!("/channels/{channel}/posts?page={page}&per_page={per_page}")).await;
        assert_eq!(status, 200);
        let order = list["order"].as_array().unwrap();
        if order.is_empty() {
            assert_eq!(list["prev_post_id"], "");
            return posts;
        }
        assert!(order.len() <= per_page);
        for id in order {
            let post = &list["posts"][id.as_str().unwrap()];
            assert_eq!(&post["id"], id);
            posts.push(post.clone());
        }
        assert_eq!(list["has_next"], list["prev_post_id"] != "");
    }
    posts
}

#[tokio::test]
async fn users_me_and_teams_describe_the_demo_user() {
    let sb = start();
    let (status, me) = get(&sb, "/users/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["id"], sb.demo_user(Provider::Mattermost).id);
    assert_eq!(me["username"], "demo");
    assert_eq!(me["id"].as_str().unwrap().len(), 26);
    let (_, teams) = get(&sb, "/users/me/teams").await;
    let team = &teams[0];
    assert_eq!(team["name"], "halden");
    let team_id = team["id"].as_str().unwrap();
    let (status, channels) = get(&sb, &format!("/users/me/teams/{team_id}/channels")).await;
    assert_eq!(status, 200);
    let names: Vec<&str> =
        channels.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"town-square"));
    let town = channels.as_array().unwrap().iter().find(|c| c["name"] == "town-square").unwrap();
    assert_eq!(town["display_name"], "Town Square");
    assert!(names.contains(&"equipment-booking"), "private, a member");
    assert!(!names.contains(&"hiring-committee"), "private, not a member");
    let own =
        channels.as_array().unwrap().iter().find(|c| c["name"] == "equipment-booking").unwrap();
    assert_eq!(own["type"], "P");
    assert_eq!(own["team_id"], team_id);
    let (status, _) = get(&sb, "/users/me/teams/aaaaaaaaaaaaaaaaaaaaaaaaaa/channels").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_bad_or_missing_token_is_401_with_an_app_error() {
    let sb = start();
    let url = format!("{}/api/v4/users/me", sb.mattermost_base_url());
    for request in [client().get(&url), client().get(&url).bearer_auth("nottherighttoken")] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status_code"], 401);
        assert_eq!(body["id"], "api.context.session_expired.app_error");
        assert!(body["message"].is_string());
        assert!(body["request_id"].is_string());
    }
    // `Token` scheme and the MMAUTHTOKEN cookie are accepted too.
    let token = client()
        .get(&url)
        .header("Authorization", format!("Token {MATTERMOST_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);
    let cookie = client()
        .get(&url)
        .header("Cookie", format!("MMAUTHTOKEN={MATTERMOST_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(cookie.status(), 200);
}

#[tokio::test]
async fn pages_walk_every_live_post_once_newest_first() {
    let sb = start();
    let channel = channel_id(&sb, "cryo-em");
    let posts = walk_pages(&sb, &channel, 200).await;
    let info = sb.channels(Provider::Mattermost).into_iter().find(|c| c.id == channel).unwrap();
    assert_eq!(posts.len(), info.live_posts);
    let ids: HashSet<&str> = posts.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), posts.len(), "no post twice");
    let created: Vec<i64> = posts.iter().map(|p| p["create_at"].as_i64().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(posts.iter().all(|p| p["delete_at"] == 0 && p["channel_id"] == channel.as_str()));
    assert!(posts.iter().any(|p| p["root_id"] != ""), "replies are posts too");
    assert!(posts.iter().any(|p| p["edit_at"].as_i64().unwrap() > 0), "some edits");
    let small = walk_pages(&sb, &channel, 60).await;
    assert_eq!(small, posts);
}

#[tokio::test]
async fn page_cursors_name_the_neighbouring_posts() {
    let sb = start();
    let channel = channel_id(&sb, "proteomics");
    let (_, first) = get(&sb, &format!("/channels/{channel}/posts?per_page=10")).await;
    let (_, second) = get(&sb, &format!("/channels/{channel}/posts?page=1&per_page=10")).await;
    assert_eq!(first["order"].as_array().unwrap().len(), 10);
    assert_eq!(first["next_post_id"], "");
    assert_eq!(first["prev_post_id"], second["order"][0]);
    assert_eq!(second["next_post_id"], first["order"][9]);
    // `before` the last post of page 0 is page 1.
    let last = first["order"][9].as_str().unwrap();
    let (_, before) =
        get(&sb, &format!("/channels/{channel}/posts?before={last}&per_page=10")).await;
    assert_eq!(before["order"], second["order"]);
    let newest_of_second = second["order"][0].as_str().unwrap();
    let (_, after) =
        get(&sb, &format!("/channels/{channel}/posts?after={newest_of_second}&per_page=10")).await;
    assert_eq!(after["order"], first["order"]);
    // Default and maximum page sizes.
    let (_, default) = get(&sb, &format!("/channels/{channel}/posts")).await;
    assert_eq!(default["order"].as_array().unwrap().len(), 60);
    let (_, capped) = get(&sb, &format!("/channels/{channel}/posts?per_page=1000")).await;
    assert_eq!(capped["order"].as_array().unwrap().len(), 200);
    // Replies bring their roots into `posts`.
    for id in default["order"].as_array().unwrap() {
        let root = default["posts"][id.as_str().unwrap()]["root_id"].as_str().unwrap();
        if !root.is_empty() {
            assert_eq!(default["posts"][root]["id"], root);
        }
    }
}

#[tokio::test]
async fn before_a_post_deleted_since_goes_on_from_where_it_was() {
    let sb = start();
    let channel = channel_id(&sb, "proteomics");
    let (_, first) = get(&sb, &format!("/channels/{channel}/posts?per_page=100")).await;
    // A reply (deleting it takes nothing else with it) as the anchor.
    let anchor = first["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .find(|id| first["posts"][*id]["root_id"] != "")
        .unwrap();
    let path = format!("/channels/{channel}/posts?before={anchor}&per_page=10");
    let (_, expected) = get(&sb, &path).await;
    assert_eq!(expected["order"].as_array().unwrap().len(), 10);
    // The anchor is deleted and a post added after the client read its page.
    sb.delete_post(Provider::Mattermost, &channel, anchor).unwrap();
    let new = NewPost { channel_id: &channel, text: "late", user_id: None, root_id: None };
    sb.post(Provider::Mattermost, new).unwrap();
    let (status, after) = get(&sb, &path).await;
    assert_eq!(status, 200);
    assert_eq!(after["order"], expected["order"]);
}

#[tokio::test]
async fn since_returns_posts_created_edited_or_deleted_after_it() {
    let sb = start();
    let channel = channel_id(&sb, "bioinformatics");
    let before = walk_pages(&sb, &channel, 200).await;
    let since = sb.clock().timestamp_millis();
    let (_, nothing) = get(&sb, &format!("/channels/{channel}/posts?since={since}")).await;
    assert_eq!(nothing["order"].as_array().unwrap().len(), 0);

    let plain = |p: &&Value| p["root_id"] == "" && p["reply_count"] == 0;
    let edited_id = before.iter().find(plain).unwrap()["id"].as_str().unwrap().to_owned();
    let deleted_id = before.iter().rev().find(plain).unwrap()["id"].as_str().unwrap().to_owned();
    let added = sb
        .post(
            Provider::Mattermost,
            NewPost { channel_id: &channel, text: "pipeline green", user_id: None, root_id: None },
        )
        .unwrap();
    sb.edit_post(Provider::Mattermost, &channel, &edited_id, "fixed").unwrap();
    let deletion = sb.delete_post(Provider::Mattermost, &channel, &deleted_id).unwrap();

    let (status, changes) = get(&sb, &format!("/channels/{channel}/posts?since={since}")).await;
    assert_eq!(status, 200);
    let order: Vec<&str> =
        changes["order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(order.len(), 4, "three posts and the copy the edit kept");
    assert_eq!(order[0], added.id, "newest created first");
    let post = |id: &str| changes["posts"][id].clone();
    assert_eq!(post(&added.id)["message"], "pipeline green");
    assert_eq!(post(&edited_id)["message"], "fixed");
    let edited_at = post(&edited_id)["edit_at"].as_i64().unwrap();
    assert!(edited_at > since);
    // The version the edit replaced: a deleted copy with its own id, created with the post.
    let copies: Vec<Value> = order
        .iter()
        .map(|id| post(id))
        .filter(|p| p["original_id"] == edited_id.as_str())
        .collect();
    assert_eq!(copies.len(), 1);
    let copy = &copies[0];
    assert_ne!(copy["id"], edited_id.as_str());
    assert_eq!(copy["create_at"], post(&edited_id)["create_at"]);
    assert_eq!(
        (copy["delete_at"].as_i64(), copy["update_at"].as_i64()),
        (Some(edited_at), Some(edited_at))
    );
    assert_eq!(copy["message"], "");
    let previous = before.iter().find(|p| p["id"] == edited_id.as_str()).unwrap();
    assert_eq!(copy["edit_at"], previous["edit_at"], "the replaced version's own edit");
    assert_eq!(post(&deleted_id)["delete_at"], deletion.at.timestamp_millis());
    assert_eq!(post(&deleted_id)["message"], "");
    assert!(
        changes["posts"]
            .as_object()
            .unwrap()
            .values()
            .all(|p| p["update_at"].as_i64().unwrap() > since)
    );

    // The deleted post has left the pages; the copy was never in them.
    let after = walk_pages(&sb, &channel, 200).await;
    assert_eq!(after.len(), before.len());
    assert!(after.iter().all(|p| p["id"] != deleted_id.as_str() && p["id"] != copy["id"]));
    assert!(after.iter().all(|p| p["original_id"] == ""));
}

#[tokio::test]
async fn since_over_generated_history_includes_generated_edits_and_deletions() {
    let sb = start();
    let channel = channel_id(&sb, "town-square");
    let week_ago = (sb.now() - chrono::Duration::days(7)).timestamp_millis();
    let (_, changes) = get(&sb, &format!("/channels/{channel}/posts?since={week_ago}")).await;
    let posts: Vec<&Value> = changes["posts"].as_object().unwrap().values().collect();
    assert!(posts.iter().any(|p| p["delete_at"].as_i64().unwrap() > week_ago), "deletions");
    assert!(posts.iter().any(|p| p["edit_at"].as_i64().unwrap() > week_ago), "edits");
    assert!(changes["order"].as_array().unwrap().len() <= 1000);
}

#[tokio::test]
async fn a_deleted_root_takes_its_replies_with_it() {
    let sb = start();
    let channel = channel_id(&sb, "off-topic");
    let root = sb
        .post(
            Provider::Mattermost,
            NewPost { channel_id: &channel, text: "ski trip?", user_id: None, root_id: None },
        )
        .unwrap();
    let reply = sb
        .post(
            Provider::Mattermost,
            NewPost { channel_id: &channel, text: "yes", user_id: None, root_id: Some(&root.id) },
        )
        .unwrap();
    let (_, page) = get(&sb, &format!("/channels/{channel}/posts?per_page=2")).await;
    assert_eq!(page["order"][0], reply.id.as_str());
    assert_eq!(page["posts"][&reply.id]["root_id"], root.id.as_str());
    assert_eq!(page["posts"][&root.id]["reply_count"], 1);
    let since = sb.clock().timestamp_millis();
    sb.delete_post(Provider::Mattermost, &channel, &root.id).unwrap();
    let (_, changes) = get(&sb, &format!("/channels/{channel}/posts?since={since}")).await;
    assert_eq!(changes["order"].as_array().unwrap().len(), 2);
    assert!(changes["posts"][&reply.id]["delete_at"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn channel_access_and_parameters_are_checked() {
    let sb = start();
    let foreign = channel_id(&sb, "hiring-committee");
    let (status, body) = get(&sb, &format!("/channels/{foreign}/posts")).await;
    assert_eq!(status, 403);
    assert_eq!(body["status_code"], 403);
    let (status, _) = get(&sb, "/channels/not-an-id/posts").await;
    assert_eq!(status, 400);
    let channel = channel_id(&sb, "seminaire");
    let (status, _) = get(&sb, &format!("/channels/{channel}/posts?per_page=lots")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn users_ids_returns_the_known_users() {
    let sb = start();
    let users = sb.users(Provider::Mattermost);
    let asked =
        vec![users[1].id.clone(), users[2].id.clone(), "unknownunknownunknownunkno".to_owned()];
    let response = client()
        .post(format!("{}/api/v4/users/ids", sb.mattermost_base_url()))
        .bearer_auth(MATTERMOST_TOKEN)
        .json(&asked)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let found: Vec<Value> = response.json().await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.iter().any(|u| u["username"] == users[1].username.as_str()));
    assert!(found.iter().all(|u| u["first_name"].is_string() && u["last_name"].is_string()));
    let empty = client()
        .post(format!("{}/api/v4/users/ids", sb.mattermost_base_url()))
        .bearer_auth(MATTERMOST_TOKEN)
        .json(&Vec::<String>::new())
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
}

#[tokio::test]
async fn throttled_requests_get_429_with_rate_limit_headers() {
    let sb = start();
    sb.throttle_provider(Provider::Mattermost, 1, Duration::from_millis(1500));
    let response = client()
        .get(format!("{}/api/v4/users/me", sb.mattermost_base_url()))
        .bearer_auth(MATTERMOST_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let headers = response.headers();
    assert_eq!(headers["retry-after"], "2", "whole seconds, rounded up");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert_eq!(headers["x-ratelimit-reset"], "2");
    assert!(headers.contains_key("x-ratelimit-limit"));
    assert_eq!(get(&sb, "/users/me").await.0, 200);
}

#[tokio::test]
async fn a_revoked_token_is_401() {
    let sb = start();
    assert_eq!(get(&sb, "/users/me").await.0, 200);
    sb.revoke_token(MATTERMOST_TOKEN);
    let (status, body) = get(&sb, "/users/me").await;
    assert_eq!(status, 401);
    assert_eq!(body["status_code"], 401);
}
