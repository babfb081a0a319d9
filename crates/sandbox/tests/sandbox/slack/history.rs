//! `conversations.history` and `conversations.replies`: paging, bounds, threads, changes.

use std::collections::HashSet;

use switchboard_sandbox::{NewPost, Provider};

use super::{call, channel_id, ts, walk_history};
use crate::support::start;

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
