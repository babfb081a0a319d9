use std::collections::HashSet;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use mail_parser::MessageParser;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{DEMO, MODIFY, READONLY, SEND, get, get_json, reason};
use crate::support::{client, start};

fn ids(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .map(|m| m.iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn profile_and_labels_describe_the_mailbox() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    let profile = get_json(&sb, &token, "profile", &[]).await;
    assert_eq!(profile["emailAddress"], DEMO);
    let total = profile["messagesTotal"].as_u64().unwrap();
    assert!(total >= 500, "{profile}");
    assert!(profile["threadsTotal"].as_u64().unwrap() < total);
    assert!(profile["historyId"].as_str().unwrap().parse::<u64>().is_ok());
    let labels = get_json(&sb, &token, "labels", &[]).await;
    let labels = labels["labels"].as_array().unwrap();
    for system in [
        "INBOX",
        "SENT",
        "DRAFT",
        "TRASH",
        "SPAM",
        "UNREAD",
        "STARRED",
        "IMPORTANT",
        "CATEGORY_UPDATES",
    ] {
        let label = labels.iter().find(|l| l["id"] == system).unwrap();
        assert_eq!(label["type"], "system");
    }
    let user: Vec<&str> = labels
        .iter()
        .filter(|l| l["type"] == "user")
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(user.contains(&"Projects") && user.contains(&"Projects/Grants"), "{user:?}");
}

#[tokio::test]
async fn messages_page_newest_first_and_search_narrows() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    let mut seen = HashSet::new();
    let mut page_token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("maxResults", "100".to_owned())];
        if let Some(t) = &page_token {
            query.push(("pageToken", t.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = get_json(&sb, &token, "messages", &query).await;
        let page_ids = ids(&page);
        assert!(page_ids.len() <= 100);
        assert!(page["messages"][0]["threadId"].is_string());
        for id in page_ids {
            assert!(seen.insert(id), "pages overlap");
        }
        pages += 1;
        match page["nextPageToken"].as_str() {
            Some(next) => page_token = Some(next.to_owned()),
            None => break,
        }
    }
    assert!(pages > 1);
    let spam_trash = sb.gmail_messages(DEMO, Some("SPAM")).unwrap().len()
        + sb.gmail_messages(DEMO, Some("TRASH")).unwrap().len();
    assert_eq!(seen.len() + spam_trash, sb.gmail_messages(DEMO, None).unwrap().len());
    let unread =
        get_json(&sb, &token, "messages", &[("q", "is:unread"), ("maxResults", "500")]).await;
    let expected: HashSet<String> = sb
        .gmail_messages(DEMO, Some("UNREAD"))
        .unwrap()
        .into_iter()
        .filter(|m| !m.labels.iter().any(|l| l == "SPAM" || l == "TRASH"))
        .map(|m| m.id)
        .collect();
    assert_eq!(ids(&unread).into_iter().collect::<HashSet<_>>(), expected);
    assert_eq!(unread["resultSizeEstimate"], expected.len());
    // Fixed clock: 14 March 2025. The last week, in the inbox, by date and by label id.
    let week = get_json(
        &sb,
        &token,
        "messages",
        &[("q", "after:2025/03/07 before:2025/03/14 in:inbox"), ("maxResults", "500")],
    )
    .await;
    let same = get_json(
        &sb,
        &token,
        "messages",
        &[
            ("q", "after:1741305600 before:1741910400"),
            ("labelIds", "INBOX"),
            ("maxResults", "500"),
        ],
    )
    .await;
    assert!(!ids(&week).is_empty());
    assert_eq!(ids(&week), ids(&same));
    for id in ids(&week).iter().take(5) {
        let m = get_json(&sb, &token, &format!("messages/{id}"), &[("format", "minimal")]).await;
        let at: i64 = m["internalDate"].as_str().unwrap().parse().unwrap();
        assert!((1_741_305_600_000..1_741_910_400_000).contains(&at));
        assert!(m["labelIds"].as_array().unwrap().contains(&json!("INBOX")));
        assert!(m.get("payload").is_none());
    }
    let sent =
        get_json(&sb, &token, "messages", &[("labelIds", "SENT"), ("maxResults", "500")]).await;
    assert_eq!(ids(&sent).len(), sb.gmail_messages(DEMO, Some("SENT")).unwrap().len());
    let none = get_json(&sb, &token, "messages", &[("q", "label:no-such-label")]).await;
    assert_eq!(none, json!({"resultSizeEstimate": 0}));
}

fn part<'a>(payload: &'a Value, mime: &str) -> Option<&'a Value> {
    if payload["mimeType"] == mime {
        return Some(payload);
    }
    payload["parts"].as_array()?.iter().find_map(|p| part(p, mime))
}

fn header<'a>(part: &'a Value, name: &str) -> Option<&'a str> {
    part["headers"].as_array()?.iter().find(|h| h["name"] == name)?["value"].as_str()
}

#[tokio::test]
async fn full_is_a_mime_tree_and_raw_is_the_same_message() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    let with_files = sb
        .gmail_messages(DEMO, None)
        .unwrap()
        .into_iter()
        .find(|m| !m.attachments.is_empty() && m.attachments[0].2 < 1_000_000)
        .unwrap();
    let path = format!("messages/{}", with_files.id);
    let full = get_json(&sb, &token, &path, &[("format", "full")]).await;
    let payload = &full["payload"];
    assert_eq!(payload["mimeType"], "multipart/mixed");
    assert_eq!(payload["partId"], "");
    let subject = header(payload, "Subject").unwrap();
    assert_eq!(subject, with_files.subject);
    let text = part(payload, "text/plain").unwrap();
    let text_bytes = URL_SAFE.decode(text["body"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(text["body"]["size"], text_bytes.len());
    let (attachment_id, name, size) = &with_files.attachments[0];
    let file = payload["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["filename"] == name.as_str())
        .unwrap();
    assert_eq!(file["body"]["size"], *size);
    // Each reading hands out its own attachmentId for the same part, as Gmail does; every
    // one of them (and the admin API's) fetches the same bytes.
    let read_id = file["body"]["attachmentId"].as_str().unwrap().to_owned();
    let again = get_json(&sb, &token, &path, &[("format", "full")]).await;
    let mut parts = again["payload"]["parts"].as_array().unwrap().iter();
    let again = parts.find(|p| p["partId"] == file["partId"]).unwrap();
    let again_id = again["body"]["attachmentId"].as_str().unwrap().to_owned();
    assert_ne!(read_id, again_id);
    assert_ne!(read_id, *attachment_id);
    let mut fetched = Vec::new();
    for id in [attachment_id, &read_id, &again_id] {
        let data = get_json(&sb, &token, &format!("{path}/attachments/{id}"), &[]).await;
        let bytes = URL_SAFE.decode(data["data"].as_str().unwrap()).unwrap();
        assert_eq!((bytes.len() as u64, data["size"].as_u64()), (*size, Some(*size)));
        fetched.push(bytes);
    }
    assert!(fetched.iter().all(|b| *b == fetched[0]));
    let unknown = get(&sb, &token, &format!("{path}/attachments/ANGjdJbm90LWFuLWlk"), &[]).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let bytes = fetched.remove(0);

    let raw = get_json(&sb, &token, &path, &[("format", "raw")]).await;
    assert!(raw.get("payload").is_none());
    let raw = URL_SAFE.decode(raw["raw"].as_str().unwrap()).unwrap();
    let parsed = MessageParser::default().parse(&raw).unwrap();
    assert_eq!(parsed.subject(), Some(with_files.subject.as_str()));
    assert_eq!(parsed.attachment_count(), with_files.attachments.len());
    assert_eq!(parsed.attachment(0).unwrap().contents(), bytes.as_slice());
    assert_eq!(
        parsed.body_text(0).unwrap().trim_end(),
        String::from_utf8(text_bytes).unwrap().trim_end()
    );
    assert_eq!(parsed.from().unwrap().first().unwrap().address(), Some(with_files.from.as_str()));
}

#[tokio::test]
async fn html_mail_is_alternative_and_latin1_mail_is_quoted_printable() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    let all = get_json(&sb, &token, "messages", &[("maxResults", "500")]).await;
    let (mut alternative, mut latin1) = (false, false);
    for id in ids(&all) {
        let path = format!("messages/{id}");
        let full = get_json(&sb, &token, &path, &[]).await;
        let payload = &full["payload"];
        if !alternative && payload["mimeType"] == "multipart/alternative" {
            let html = part(payload, "text/html").unwrap();
            let html = URL_SAFE.decode(html["body"]["data"].as_str().unwrap()).unwrap();
            assert!(String::from_utf8(html).unwrap().contains("<p>"));
            assert_eq!(payload["parts"][0]["partId"], "0");
            alternative = true;
        }
        let content_type = header(payload, "Content-Type").unwrap_or_default().to_owned();
        if !latin1 && content_type.contains("ISO-8859-1") {
            let data = URL_SAFE.decode(payload["body"]["data"].as_str().unwrap()).unwrap();
            assert!(std::str::from_utf8(&data).is_err(), "the bytes are Latin-1, not UTF-8");
            let decoded: String = data.iter().map(|&b| char::from(b)).collect();
            let raw = get_json(&sb, &token, &path, &[("format", "raw")]).await;
            let raw = URL_SAFE.decode(raw["raw"].as_str().unwrap()).unwrap();
            let raw_text = String::from_utf8_lossy(&raw).to_string();
            assert!(raw_text.contains("Content-Transfer-Encoding: quoted-printable"), "{raw_text}");
            let parsed = MessageParser::default().parse(&raw).unwrap();
            assert_eq!(parsed.body_text(0).unwrap().trim_end(), decoded.trim_end());
            latin1 = true;
        }
        if alternative && latin1 {
            break;
        }
    }
    assert!(alternative && latin1, "alternative {alternative}, latin1 {latin1}");
    let metadata = get_json(
        &sb,
        &token,
        &format!("messages/{}", ids(&all)[0]),
        &[("format", "metadata"), ("metadataHeaders", "Subject"), ("metadataHeaders", "From")],
    )
    .await;
    let names: Vec<&str> = metadata["payload"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Subject", "From"]);
    assert!(metadata["payload"].get("parts").is_none());
}

#[tokio::test]
async fn threads_hold_their_messages_oldest_first() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    let messages = sb.gmail_messages(DEMO, None).unwrap();
    let thread_id = &messages
        .iter()
        .find(|m| messages.iter().filter(|o| o.thread_id == m.thread_id).count() >= 3)
        .unwrap()
        .thread_id;
    let thread =
        get_json(&sb, &token, &format!("threads/{thread_id}"), &[("format", "metadata")]).await;
    let dates: Vec<i64> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["internalDate"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(dates.len(), messages.iter().filter(|m| &m.thread_id == thread_id).count());
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(thread["messages"][0]["id"], thread_id.as_str());
    let missing = get(&sb, &token, "threads/0123456789abcdef", &[]).await;
    assert_eq!(reason(missing, StatusCode::NOT_FOUND).await, "notFound");
}

#[tokio::test]
async fn modify_needs_the_modify_scope_and_changes_labels() {
    let sb = start();
    let unread = sb.gmail_messages(DEMO, Some("UNREAD")).unwrap().remove(0);
    let url = format!("{}gmail/v1/users/me/messages/{}/modify", sb.gmail_base_url(), unread.id);
    let body = json!({"removeLabelIds": ["UNREAD"], "addLabelIds": ["STARRED"]});
    let readonly = sb.google_access_token(DEMO, READONLY).unwrap();
    let refused = client().post(&url).bearer_auth(&readonly).json(&body).send().await.unwrap();
    assert_eq!(reason(refused, StatusCode::FORBIDDEN).await, "insufficientPermissions");
    let modify = sb.google_access_token(DEMO, MODIFY).unwrap();
    let response = client().post(&url).bearer_auth(&modify).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: Value = response.json().await.unwrap();
    let labels = answer["labelIds"].as_array().unwrap();
    assert!(labels.contains(&json!("STARRED")) && !labels.contains(&json!("UNREAD")));
    let bad = json!({"addLabelIds": ["Label_999"]});
    let response = client().post(&url).bearer_auth(&modify).json(&bad).send().await.unwrap();
    assert_eq!(reason(response, StatusCode::BAD_REQUEST).await, "invalidArgument");
}

#[tokio::test]
async fn send_files_the_message_in_sent_and_delivers_it_here() {
    let sb = start();
    let other = sb.gmail_mailboxes()[1].address.clone();
    let token = sb.google_access_token(DEMO, SEND).unwrap();
    let raw = mail_builder::MessageBuilder::new()
        .from(("Demo", DEMO))
        .to(("Colleague", other.as_str()))
        .subject("Réunion budget ✓")
        .text_body("Bonjour,\nà demain.")
        .write_to_vec()
        .unwrap();
    let url = format!("{}gmail/v1/users/me/messages/send", sb.gmail_base_url());
    let response = client()
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"raw": URL_SAFE.encode(&raw)}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let sent: Value = response.json().await.unwrap();
    assert_eq!(sent["labelIds"], json!(["SENT"]));
    let in_sent = sb.gmail_messages(DEMO, Some("SENT")).unwrap();
    assert_eq!(in_sent[0].id, sent["id"].as_str().unwrap());
    assert_eq!(in_sent[0].subject, "Réunion budget ✓");
    let delivered = sb.gmail_messages(&other, Some("INBOX")).unwrap();
    assert_eq!(delivered[0].subject, "Réunion budget ✓");
    assert!(delivered[0].labels.contains(&"UNREAD".to_owned()));
    // What Google's client libraries send: a multipart/related upload.
    let upload = format!(
        "{}upload/gmail/v1/users/me/messages/send?uploadType=multipart",
        sb.gmail_base_url()
    );
    let mut body = b"--sbx\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{}\r\n--sbx\r\nContent-Type: message/rfc822\r\n\r\n".to_vec();
    body.extend_from_slice(&raw);
    body.extend_from_slice(b"\r\n--sbx--\r\n");
    let response = client()
        .post(&upload)
        .bearer_auth(&token)
        .header("Content-Type", "multipart/related; boundary=sbx")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{:?}", response.text().await);
    assert_eq!(sb.gmail_messages(DEMO, Some("SENT")).unwrap().len(), in_sent.len() + 1);
    // Reading is not sending.
    let readonly = sb.google_access_token(DEMO, READONLY).unwrap();
    let response = client()
        .post(&url)
        .bearer_auth(&readonly)
        .json(&json!({"raw": URL_SAFE.encode(&raw)}))
        .send()
        .await
        .unwrap();
    assert_eq!(reason(response, StatusCode::FORBIDDEN).await, "insufficientPermissions");
}

#[tokio::test]
async fn quota_errors_come_with_retry_after_then_requests_pass() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    sb.throttle_gmail(2, Duration::from_secs(7));
    for _ in 0..2 {
        let response = get(&sb, &token, "profile", &[]).await;
        assert_eq!(response.headers()["retry-after"], "7");
        assert_eq!(reason(response, StatusCode::TOO_MANY_REQUESTS).await, "rateLimitExceeded");
    }
    sb.limit_gmail_user_rate(1, Duration::from_secs(3));
    let response = get(&sb, &token, "profile", &[]).await;
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(reason(response, StatusCode::FORBIDDEN).await, "userRateLimitExceeded");
    assert_eq!(get(&sb, &token, "profile", &[]).await.status(), StatusCode::OK);
    assert_eq!(sb.gmail_requests(), 4);
}

#[tokio::test]
async fn expired_unknown_and_missing_tokens_are_401_and_unknown_ids_404() {
    let sb = start();
    let token = sb.google_access_token(DEMO, READONLY).unwrap();
    let missing = get(&sb, &token, "messages/0123456789abcdef", &[]).await;
    assert_eq!(reason(missing, StatusCode::NOT_FOUND).await, "notFound");
    let malformed = get(&sb, &token, "messages/not-an-id", &[]).await;
    assert_eq!(reason(malformed, StatusCode::BAD_REQUEST).await, "invalidArgument");
    assert_eq!(sb.expire_google_access_tokens(), 1);
    let expired = get(&sb, &token, "profile", &[]).await;
    assert!(expired.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    assert_eq!(reason(expired, StatusCode::UNAUTHORIZED).await, "authError");
    let unknown = get(&sb, "ya29.unknown", "profile", &[]).await;
    assert_eq!(reason(unknown, StatusCode::UNAUTHORIZED).await, "authError");
    let metadata_only =
        sb.google_access_token(DEMO, "https://www.googleapis.com/auth/gmail.metadata").unwrap();
    let id = sb.gmail_messages(DEMO, None).unwrap().remove(0).id;
    let full = get(&sb, &metadata_only, &format!("messages/{id}"), &[("format", "full")]).await;
    assert_eq!(reason(full, StatusCode::FORBIDDEN).await, "forbidden");
    let minimal =
        get(&sb, &metadata_only, &format!("messages/{id}"), &[("format", "metadata")]).await;
    assert_eq!(minimal.status(), StatusCode::OK);
}
