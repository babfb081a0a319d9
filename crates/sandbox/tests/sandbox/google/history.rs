use reqwest::StatusCode;
use serde_json::{Value, json};
use switchboard_sandbox::NewGmail;

use super::{DEMO, MODIFY, get, get_json, reason};
use crate::support::{client, start};

fn history_ids(body: &Value, kind: &str) -> Vec<String> {
    body["history"]
        .as_array()
        .map(|h| {
            h.iter()
                .filter_map(|r| r[kind].as_array())
                .flatten()
                .map(|e| e["message"]["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn history_lists_what_changed_since_a_history_id() {
    let sb = start();
    let token = sb.google_access_token(DEMO, MODIFY).unwrap();
    let start_id =
        get_json(&sb, &token, "profile", &[]).await["historyId"].as_str().unwrap().to_owned();
    let nothing = get_json(&sb, &token, "history", &[("startHistoryId", &start_id)]).await;
    assert!(nothing.get("history").is_none());
    assert_eq!(nothing["historyId"], start_id.as_str());

    let added = sb
        .add_gmail(NewGmail {
            subject: "Server room flooding".into(),
            body: "Water everywhere".into(),
            ..NewGmail::default()
        })
        .unwrap();
    let url = format!("{}gmail/v1/users/me/messages/{}/modify", sb.gmail_base_url(), added.id);
    let response = client()
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"removeLabelIds": ["UNREAD"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let old = sb.gmail_messages(DEMO, Some("INBOX")).unwrap().pop().unwrap();
    sb.delete_gmail(DEMO, &old.id).unwrap();

    let history = get_json(&sb, &token, "history", &[("startHistoryId", &start_id)]).await;
    assert_eq!(history_ids(&history, "messagesAdded"), std::slice::from_ref(&added.id));
    assert_eq!(history_ids(&history, "labelsRemoved"), std::slice::from_ref(&added.id));
    assert_eq!(history["history"][1]["labelsRemoved"][0]["labelIds"], json!(["UNREAD"]));
    assert_eq!(history_ids(&history, "messagesDeleted"), std::slice::from_ref(&old.id));
    let latest = history["historyId"].as_str().unwrap().parse::<u64>().unwrap();
    assert!(latest > start_id.parse::<u64>().unwrap());
    let only_deleted = get_json(
        &sb,
        &token,
        "history",
        &[("startHistoryId", &start_id), ("historyTypes", "messageDeleted")],
    )
    .await;
    assert_eq!(only_deleted["history"].as_array().unwrap().len(), 1);
    let paged =
        get_json(&sb, &token, "history", &[("startHistoryId", &start_id), ("maxResults", "2")])
            .await;
    assert_eq!(paged["history"].as_array().unwrap().len(), 2);
    let next = paged["nextPageToken"].as_str().unwrap();
    let rest = get_json(
        &sb,
        &token,
        "history",
        &[("startHistoryId", &start_id), ("maxResults", "2"), ("pageToken", next)],
    )
    .await;
    assert_eq!(history_ids(&rest, "messagesDeleted"), [old.id]);

    // Once the history is gone, an old id is a 404 and the client must sync in full again.
    assert_eq!(sb.expire_gmail_history(DEMO).unwrap(), 3);
    let stale = get(&sb, &token, "history", &[("startHistoryId", &start_id)]).await;
    assert_eq!(reason(stale, StatusCode::NOT_FOUND).await, "notFound");
    let fresh = latest.to_string();
    get_json(&sb, &token, "history", &[("startHistoryId", &fresh)]).await;
}
