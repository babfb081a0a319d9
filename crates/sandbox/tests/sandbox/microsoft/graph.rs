//! The Graph mail API: folders, paging, bodies, attachments, writes and their scopes, faults.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{graph, graph_json};
use crate::support::{client, start};

fn ids(page: &Value) -> Vec<String> {
    page["value"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn folders_list_with_children_and_well_known_names() {
    let sb = start();
    let token = sb.microsoft_access_token("", "User.Read Mail.Read").unwrap();
    let top = graph_json(&sb, &token, "/me/mailFolders").await;
    let names: Vec<&str> = top["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Archive"]);
    let inbox = graph_json(&sb, &token, "/me/mailFolders/inbox").await;
    assert_eq!(inbox["id"], top["value"][0]["id"]);
    assert_eq!(inbox["childFolderCount"], 2);
    let children = graph_json(&sb, &token, "/me/mailFolders/Inbox/childFolders").await;
    let children: Vec<&Value> = children["value"].as_array().unwrap().iter().collect();
    assert_eq!(
        children.iter().map(|f| f["displayName"].as_str().unwrap()).collect::<Vec<_>>(),
        ["Projects", "Newsletters"]
    );
    assert!(children.iter().all(|f| f["parentFolderId"] == inbox["id"]));
    let projects = children[0]["id"].as_str().unwrap();
    let grand = graph_json(&sb, &token, &format!("/me/mailFolders/{projects}/childFolders")).await;
    assert_eq!(grand["value"][0]["displayName"], "Grants");
    let missing = graph(&sb, &token, "/me/mailFolders/AAMkAGnothere=").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ErrorItemNotFound");
}

#[tokio::test]
async fn messages_page_to_the_end_newest_first_with_counts_matching() {
    let sb = start();
    let demo = sb.mailboxes()[0].address.clone();
    let token = sb.microsoft_access_token(&demo, "Mail.Read").unwrap();
    let inbox = graph_json(&sb, &token, "/me/mailFolders/inbox").await;
    let total = inbox["totalItemCount"].as_u64().unwrap() as usize;
    assert!(total > 100, "{total}");
    let mut url = format!(
        "{}/me/mailFolders/inbox/messages?$select=id,subject,receivedDateTime&$top=40&$count=true",
        sb.graph_base_url()
    );
    let mut seen: Vec<Value> = Vec::new();
    loop {
        let page: Value =
            client().get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        let batch = page["value"].as_array().unwrap();
        assert!(batch.len() <= 40);
        assert_eq!(page["@odata.count"].as_u64(), Some(total as u64), "on every page");
        assert!(
            batch.iter().all(|m| m.get("body").is_none() && m.get("subject").is_some()),
            "$select honoured"
        );
        seen.extend(batch.iter().cloned());
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    let unique: std::collections::HashSet<&str> =
        seen.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), total, "no message twice");
    let times: Vec<&str> = seen.iter().map(|m| m["receivedDateTime"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert_eq!(sb.mail_messages(&demo, Some("inbox")).unwrap().len(), total);

    let sized = client()
        .get(format!("{}/me/messages", sb.graph_base_url()))
        .bearer_auth(&token)
        .header("Prefer", "odata.maxpagesize=25")
        .send()
        .await
        .unwrap();
    assert_eq!(sized.headers()["preference-applied"], "odata.maxpagesize=25");
    let sized: Value = sized.json().await.unwrap();
    assert_eq!(ids(&sized).len(), 25);
    assert!(sized["@odata.nextLink"].as_str().unwrap().contains("%24skip=25"));
}

#[tokio::test]
async fn filter_and_orderby_on_received_time_and_bad_queries_are_400() {
    let sb = start();
    let token = sb.microsoft_access_token("", "Mail.Read").unwrap();
    let since = (sb.now() - chrono::Duration::days(7)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let filter = format!("receivedDateTime ge {since}");
    let response = client()
        .get(format!("{}/me/messages", sb.graph_base_url()))
        .bearer_auth(&token)
        .query(&[
            ("$filter", filter.as_str()),
            ("$orderby", "receivedDateTime asc"),
            ("$top", "1000"),
        ])
        .send()
        .await
        .unwrap();
    let page: Value = response.json().await.unwrap();
    let times: Vec<&str> = page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["receivedDateTime"].as_str().unwrap())
        .collect();
    let expected = sb
        .mail_messages("", None)
        .unwrap()
        .iter()
        .filter(|m| m.received_at >= sb.now() - chrono::Duration::days(7))
        .count();
    assert_eq!(times.len(), expected);
    assert!(!times.is_empty() && times.iter().all(|t| *t >= since.as_str()));
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "ascending");
    for (key, value, code) in [
        ("$filter", "subject eq 'x'", "ErrorInvalidUrlQueryFilter"),
        ("$select", "id,nonsense", "RequestBroker--ParseUri"),
        ("$top", "0", "BadRequest"),
        ("$orderby", "subject", "BadRequest"),
    ] {
        let response = client()
            .get(format!("{}/me/messages", sb.graph_base_url()))
            .bearer_auth(&token)
            .query(&[(key, value)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{key}={value}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{body}");
    }
}

#[tokio::test]
async fn a_message_comes_with_an_html_or_text_body_and_its_thread_headers() {
    let sb = start();
    let token = sb.microsoft_access_token("", "Mail.Read").unwrap();
    let reply = sb
        .mail_messages("", Some("inbox"))
        .unwrap()
        .into_iter()
        .find(|m| m.subject.starts_with("RE: "))
        .unwrap();
    let html = graph_json(&sb, &token, &format!("/me/messages/{}", reply.id)).await;
    assert_eq!(html["body"]["contentType"], "html");
    assert!(html["body"]["content"].as_str().unwrap().starts_with("<html>"));
    assert_eq!(html["conversationId"], reply.conversation_id.as_str());
    let text = client()
        .get(format!("{}/me/messages/{}", sb.graph_base_url(), reply.id))
        .bearer_auth(&token)
        .header("Prefer", "outlook.body-content-type=\"text\"")
        .send()
        .await
        .unwrap();
    assert_eq!(text.headers()["preference-applied"], "outlook.body-content-type=\"text\"");
    let text: Value = text.json().await.unwrap();
    assert_eq!(text["body"]["contentType"], "text");
    assert!(!text["body"]["content"].as_str().unwrap().contains("<p>"));
    let headers = graph_json(
        &sb,
        &token,
        &format!("/me/messages/{}?$select=internetMessageHeaders,subject", reply.id),
    )
    .await;
    let names: Vec<&str> = headers["internetMessageHeaders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"In-Reply-To"), "{names:?}");
    let thread = sb
        .mail_messages("", None)
        .unwrap()
        .into_iter()
        .filter(|m| m.conversation_id == reply.conversation_id)
        .count();
    assert!(thread >= 2);
}

#[tokio::test]
async fn attachments_list_small_ones_inline_and_stream_the_large_one() {
    let sb = start();
    let token = sb.microsoft_access_token("", "Mail.Read").unwrap();
    let messages = sb.mail_messages("", None).unwrap();
    let large =
        messages.iter().find(|m| m.attachments.iter().any(|a| a.2 > 3 * 1024 * 1024)).unwrap();
    let list = graph_json(
        &sb,
        &token,
        &format!("/me/messages/{}/attachments?$select=id,name,size,contentType", large.id),
    )
    .await;
    let entry = &list["value"][0];
    assert_eq!(entry["@odata.type"], "#microsoft.graph.fileAttachment");
    assert!(entry.get("contentBytes").is_none());
    let size = entry["size"].as_u64().unwrap();
    assert!(size > 3 * 1024 * 1024);
    let value = graph(
        &sb,
        &token,
        &format!("/me/messages/{}/attachments/{}/$value", large.id, entry["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(value.status(), StatusCode::OK);
    assert_eq!(value.headers()["content-type"], "application/pdf");
    assert_eq!(value.headers()["content-length"].to_str().unwrap(), size.to_string());
    let bytes = value.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert!(bytes.starts_with(b"%PDF-"));

    let small = messages.iter().find(|m| m.attachments.iter().any(|a| a.2 < 100_000)).unwrap();
    let (attachment_id, _, small_size) = small.attachments.iter().find(|a| a.2 < 100_000).unwrap();
    let one =
        graph_json(&sb, &token, &format!("/me/messages/{}/attachments/{attachment_id}", small.id))
            .await;
    let decoded = STANDARD.decode(one["contentBytes"].as_str().unwrap()).unwrap();
    assert_eq!(decoded.len() as u64, *small_size);
    let raw = graph(
        &sb,
        &token,
        &format!("/me/messages/{}/attachments/{attachment_id}/$value", small.id),
    )
    .await;
    assert_eq!(
        raw.bytes().await.unwrap().as_ref(),
        decoded.as_slice(),
        "$value and contentBytes agree"
    );
}

#[tokio::test]
async fn writes_need_their_scopes_and_take_effect() {
    let sb = start();
    let [demo, colleague] = [0, 1].map(|i| sb.mailboxes()[i].clone());
    let unread = sb
        .mail_messages(&demo.address, Some("inbox"))
        .unwrap()
        .into_iter()
        .find(|m| !m.is_read)
        .unwrap();
    let url = format!("{}/me/messages/{}", sb.graph_base_url(), unread.id);
    let read_only = sb.microsoft_access_token(&demo.address, "User.Read Mail.Read").unwrap();
    let refused = client()
        .patch(&url)
        .bearer_auth(&read_only)
        .json(&json!({"isRead": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.json::<Value>().await.unwrap()["error"]["code"], "ErrorAccessDenied");
    let writer = sb.microsoft_access_token(&demo.address, "Mail.ReadWrite Mail.Send").unwrap();
    let patched: Value = client()
        .patch(&url)
        .bearer_auth(&writer)
        .json(&json!({"isRead": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["isRead"], true);
    assert!(
        sb.mail_messages(&demo.address, None)
            .unwrap()
            .iter()
            .any(|m| m.id == unread.id && m.is_read)
    );
    let bad = client()
        .patch(&url)
        .bearer_auth(&writer)
        .json(&json!({"isRead": "yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let mail = json!({"message": {
        "subject": "Budget figures 📊",
        "body": {"contentType": "Text", "content": "Numbers attached, Zoé."},
        "toRecipients": [{"emailAddress": {"address": colleague.address}}],
    }});
    let send = format!("{}/me/sendMail", sb.graph_base_url());
    let refused = client().post(&send).bearer_auth(&read_only).json(&mail).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let sent = client().post(&send).bearer_auth(&writer).json(&mail).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    assert_eq!(
        sb.mail_messages(&demo.address, Some("sentitems")).unwrap()[0].subject,
        "Budget figures 📊"
    );
    let delivered = &sb.mail_messages(&colleague.address, Some("inbox")).unwrap()[0];
    assert_eq!((delivered.subject.as_str(), delivered.is_read), ("Budget figures 📊", false));
    let empty = client()
        .post(&send)
        .bearer_auth(&writer)
        .json(&json!({"message": {"subject": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);

    let reply_url = format!("{url}/reply");
    let refused = client()
        .post(&reply_url)
        .bearer_auth(&read_only)
        .json(&json!({"comment": "ok"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let replied = client()
        .post(&reply_url)
        .bearer_auth(&writer)
        .json(&json!({"comment": "Thanks!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(replied.status(), StatusCode::ACCEPTED);
    let answer = &sb.mail_messages(&demo.address, Some("sentitems")).unwrap()[0];
    assert!(answer.subject.starts_with("RE: "));
    assert_eq!(answer.conversation_id, unread.conversation_id);
}

#[tokio::test]
async fn expired_unknown_or_missing_tokens_are_401_and_throttling_is_429() {
    let sb = start();
    let token = sb.microsoft_access_token("", "Mail.Read").unwrap();
    assert_eq!(graph(&sb, &token, "/me").await.status(), StatusCode::OK);
    for bad in ["garbage", sb.microsoft_assertion("", None, 3600).unwrap().as_str()] {
        let response = graph(&sb, bad, "/me").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().contains_key("www-authenticate"));
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"]["code"],
            "InvalidAuthenticationToken"
        );
    }
    let none = client().get(format!("{}/me", sb.graph_base_url())).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);

    sb.throttle_graph(2, Duration::from_secs(7));
    for _ in 0..2 {
        let response = graph(&sb, &token, "/me/messages").await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "7");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "TooManyRequests");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    assert_eq!(graph(&sb, &token, "/me/messages").await.status(), StatusCode::OK);
    sb.make_graph_unavailable(1, Duration::from_secs(2));
    let busy = graph(&sb, &token, "/me/messages").await;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.headers()["retry-after"], "2");
    assert_eq!(busy.json::<Value>().await.unwrap()["error"]["code"], "serviceNotAvailable");
    assert_eq!(graph(&sb, &token, "/me/messages").await.status(), StatusCode::OK);

    assert!(sb.expire_microsoft_access_tokens() >= 1);
    let expired = graph(&sb, &token, "/me").await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert!(body["error"]["message"].as_str().unwrap().contains("expired"));
}
