//! Message delta: a first round to the end, then changes with `@removed`, and stale tokens.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::Value;
use switchboard_sandbox::NewMail;

use crate::support::{client, start};

/// Follows a round to its delta link; every entry and the delta link.
async fn round(token: &str, mut url: String) -> (Vec<Value>, String) {
    let mut entries = Vec::new();
    loop {
        let response = client()
            .get(&url)
            .bearer_auth(token)
            .header("Prefer", "odata.maxpagesize=50")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page: Value = response.json().await.unwrap();
        let batch = page["value"].as_array().unwrap();
        assert!(batch.len() <= 50);
        entries.extend(batch.iter().cloned());
        if let Some(next) = page["@odata.nextLink"].as_str() {
            assert!(next.contains("$skiptoken="), "{next}");
            url = next.to_owned();
        } else {
            let delta = page["@odata.deltaLink"].as_str().unwrap();
            assert!(delta.contains("$deltatoken="), "{delta}");
            return (entries, delta.to_owned());
        }
    }
}

#[tokio::test]
async fn a_first_round_lists_the_folder_then_later_rounds_list_changes_and_removals() {
    let sb = start();
    let token = sb.microsoft_access_token("", "Mail.Read").unwrap();
    let start_url = format!("{}/me/mailFolders/inbox/messages/delta", sb.graph_base_url());
    let (first, delta) = round(&token, start_url).await;
    let inbox = sb.mail_messages("", Some("inbox")).unwrap();
    assert_eq!(first.len(), inbox.len());
    let ids: std::collections::HashSet<&str> =
        first.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), inbox.len());
    assert!(first.iter().all(|m| m.get("@removed").is_none() && m["subject"].is_string()));

    let (to_read, to_archive, to_trash, to_delete) = (&inbox[0], &inbox[1], &inbox[2], &inbox[3]);
    sb.mark_mail("", &to_read.id, !to_read.is_read).unwrap();
    sb.move_mail("", &to_archive.id, "archive").unwrap();
    sb.move_mail("", &to_trash.id, "deleteditems").unwrap();
    sb.delete_mail("", &to_delete.id).unwrap();
    let added = sb
        .add_mail(NewMail {
            subject: "Fresh news ✉️".to_owned(),
            body: "Hello".to_owned(),
            ..NewMail::default()
        })
        .unwrap();
    let elsewhere = sb.mail_messages("", Some("sentitems")).unwrap()[0].id.clone();
    sb.mark_mail("", &elsewhere, false).unwrap();

    let (changes, next_delta) = round(&token, delta).await;
    let by_id: HashMap<&str, &Value> =
        changes.iter().map(|c| (c["id"].as_str().unwrap(), c)).collect();
    assert_eq!(changes.len(), 5, "{changes:#?}");
    assert_eq!(by_id[to_read.id.as_str()]["isRead"], !to_read.is_read);
    assert_eq!(by_id[added.id.as_str()]["subject"], "Fresh news ✉️");
    assert_eq!(by_id[to_archive.id.as_str()]["@removed"]["reason"], "deleted");
    assert_eq!(by_id[to_trash.id.as_str()]["@removed"]["reason"], "changed");
    assert_eq!(by_id[to_delete.id.as_str()]["@removed"]["reason"], "deleted");
    assert!(!by_id.contains_key(elsewhere.as_str()), "another folder's change");

    let (nothing, _) = round(&token, next_delta.clone()).await;
    assert!(nothing.is_empty(), "{nothing:#?}");

    // The archive's own delta sees the moved message arrive.
    let archive_url = format!("{}/me/mailFolders/archive/messages/delta", sb.graph_base_url());
    let (archived, _) = round(&token, archive_url).await;
    assert!(archived.iter().any(|m| m["id"] == to_archive.id.as_str()));

    assert!(sb.expire_delta_tokens() >= 1);
    let stale = client().get(&next_delta).bearer_auth(&token).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::GONE);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["code"], "syncStateNotFound");
    let unknown = client()
        .get(format!(
            "{}/me/mailFolders/inbox/messages/delta?$deltatoken=made-up",
            sb.graph_base_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_skip_token_gives_the_same_page_again_and_belongs_to_its_folder() {
    let sb = start();
    let token = sb.microsoft_access_token("", "Mail.Read").unwrap();
    let first: Value = client()
        .get(format!("{}/me/mailFolders/inbox/messages/delta()", sb.graph_base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["value"].as_array().unwrap().len(), 10, "pages of 10 by default");
    let next = first["@odata.nextLink"].as_str().unwrap();
    let ids = |page: &Value| -> Vec<String> {
        page["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut pages = Vec::new();
    for _ in 0..2 {
        let page: Value =
            client().get(next).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        pages.push(ids(&page));
    }
    assert_eq!(pages[0], pages[1], "a retried page is the same page");
    assert!(pages[0].iter().all(|id| !ids(&first).contains(id)), "and not the first one");
    let elsewhere = next.replace("/inbox/", "/archive/").replacen(
        &sb.mail_folders("").unwrap()[0].id,
        &sb.mail_folders("").unwrap()[5].id,
        1,
    );
    let foreign = client().get(&elsewhere).bearer_auth(&token).send().await.unwrap();
    assert_eq!(foreign.status(), StatusCode::GONE);
    let colleague = sb.microsoft_access_token(&sb.mailboxes()[1].address, "Mail.Read").unwrap();
    let other_user = client().get(next).bearer_auth(&colleague).send().await.unwrap();
    assert_eq!(other_user.status(), StatusCode::NOT_FOUND, "another mailbox has no such folder");
}
