//! A second user tries every id of the first, on every route that reads or changes a
//! user-owned object: each answers as for an id that does not exist, and nothing changes.

use std::collections::HashSet;

use serde_json::{Value, json};
use switchboard_memory::ManualClock;

use crate::accounts::{app, bearer, delete, get, login, member, patch, post};
use crate::mail::{call, ids as listed, seed, writing_app};
use crate::support::{identity, json_call};

fn ids(list: &Value, field: &str) -> Vec<String> {
    list["data"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field}: {list}"))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_second_user_gets_404_for_every_id_of_the_first() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (owner_id, owner) = member(&app, "owner@example.org").await;
    let (s, _) = login(&app, "owner@example.org", "correct horse").await;
    assert_eq!(s, 200);
    let (s, _, key) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "phone", "scopes": ["read"]})), &owner),
    )
    .await;
    assert_eq!(s, 201);
    let key = key["data"]["key"].as_str().unwrap().to_owned();
    let (_, _, sessions) = json_call(&app, get("/api/auth/sessions", &owner)).await;
    let (_, _, keys) = json_call(&app, get("/api/api-keys", &owner)).await;
    let (session_ids, key_ids) = (ids(&sessions, "sessions"), ids(&keys, "api_keys"));
    assert_eq!((session_ids.len(), key_ids.len()), (2, 1));

    let (_, intruder) = member(&app, "intruder@example.org").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let routes = |id: &str| {
        vec![
            ("delete session", delete(&format!("/api/auth/sessions/{id}"), &intruder), 404),
            ("delete key", delete(&format!("/api/api-keys/{id}"), &intruder), 404),
            (
                "admin patch",
                bearer(
                    patch(&format!("/api/admin/users/{id}"), json!({"disabled": true})),
                    &intruder,
                ),
                403,
            ),
        ]
    };
    for id in session_ids.iter().chain(&key_ids).chain([&owner_id]) {
        for ((route, req, status), (_, unknown_req, _)) in
            routes(id).into_iter().zip(routes(&unknown))
        {
            let (s, _, b) = json_call(&app, req).await;
            let (s2, _, b2) = json_call(&app, unknown_req).await;
            assert_eq!((s, s2), (status, status), "{route} {id}: {b}");
            assert_eq!(b["message"], b2["message"], "{route}: as for an unknown id");
        }
        let (s, _, page) =
            json_call(&app, get(&format!("/api/events?object_id={id}"), &intruder)).await;
        assert_eq!((s, page["data"]["events"].as_array().map(Vec::len)), (200, Some(0)), "{page}");
    }
    let (_, _, theirs) = json_call(&app, get("/api/auth/sessions", &intruder)).await;
    assert!(ids(&theirs, "sessions").iter().all(|id| !session_ids.contains(id)));
    let (_, _, theirs) = json_call(&app, get("/api/api-keys", &intruder)).await;
    assert!(ids(&theirs, "api_keys").is_empty());

    let (_, _, after) = json_call(&app, get("/api/auth/sessions", &owner)).await;
    assert_eq!(ids(&after, "sessions").len(), 2, "the owner's sessions all remain");
    let (s, _, me) = json_call(&app, get("/api/me", &key)).await;
    assert_eq!((s, me["data"]["disabled"].as_bool()), (200, Some(false)), "key and account intact");
}

/// The mail routes, with writing back and sending on (so those routes reach the ownership
/// check), and the intruder owning a mailbox of their own.
#[actix_web::test]
async fn a_second_user_gets_404_for_every_mail_id_of_the_first() {
    let (app, uow, _) = writing_app!(identity(ManualClock::default()));
    let (owner, owner_token) = member(&app, "owner@example.org").await;
    let mailbox = seed(&uow, &owner, "owner@contoso.example").await;
    let (intruder, intruder_token) = member(&app, "intruder@example.org").await;
    // The intruder has a mailbox too, so an empty answer is not mistaken for a refusal.
    let theirs = seed(&uow, &intruder, "intruder@contoso.example").await;
    let message = mailbox.messages[1].id;

    let routes = |account: &str, folder: &str, message: &str, thread: &str| {
        let t = &intruder_token;
        vec![
            get(&format!("/api/mail/accounts/{account}"), t),
            bearer(post(&format!("/api/mail/accounts/{account}/sync"), json!({})), t),
            get(&format!("/api/mail/folders?account_id={account}"), t),
            get(&format!("/api/mail/messages?account_id={account}"), t),
            get(&format!("/api/mail/messages?account_id={}&folder_id={folder}", theirs.account), t),
            get(&format!("/api/mail/threads?account_id={account}"), t),
            get(&format!("/api/mail/threads?account_id={}&folder_id={folder}", theirs.account), t),
            get(&format!("/api/mail/threads/{thread}?account_id={account}"), t),
            get(&format!("/api/mail/messages/{message}"), t),
            bearer(patch(&format!("/api/mail/messages/{message}"), json!({"unread": false})), t),
            get(&format!("/api/mail/messages/{message}/attachments/att-1"), t),
            bearer(
                post(
                    "/api/mail/messages",
                    json!({"account_id": account, "to": [{"address": "x@example.org"}], "body": "hi"}),
                ),
                t,
            ),
            bearer(
                post(
                    "/api/mail/messages",
                    json!({"account_id": theirs.account.to_string(), "to": [{"address": "x@example.org"}], "body": "hi", "reply_to_message_id": message}),
                ),
                t,
            ),
            delete(&format!("/api/mail/accounts/{account}"), t),
        ]
    };
    let owned = routes(
        &mailbox.account.to_string(),
        &mailbox.inbox.to_string(),
        &message.to_string(),
        "t3",
    );
    let unknown_id = uuid::Uuid::new_v4().to_string();
    let unknown = routes(&unknown_id, &unknown_id, &unknown_id, "t-none");
    for (i, (req, unknown_req)) in owned.into_iter().zip(unknown).enumerate() {
        let (s, body) = call(&app, req).await;
        let (s2, body2) = call(&app, unknown_req).await;
        assert_eq!((s, s2), (404, 404), "route {i}: {body} / {body2}");
        assert_eq!(
            body["message"], body2["message"],
            "route {i}: as for an id that does not exist"
        );
    }
    // The intruder's own thread of the same key is theirs alone.
    let (s, thread) = call(&app, get("/api/mail/threads/t-budget", &intruder_token)).await;
    assert_eq!(s, 200);
    let own: HashSet<String> = theirs.messages[..3].iter().map(|m| m.id.to_string()).collect();
    assert_eq!(listed(&thread, "messages").into_iter().collect::<HashSet<_>>(), own);

    // The owner's mailbox is intact.
    let uri = format!("/api/mail/messages?account_id={}", mailbox.account);
    let (s, page) = call(&app, get(&uri, &owner_token)).await;
    assert_eq!((s, listed(&page, "messages").len()), (200, 7), "{page}");
    let (_, m) = call(&app, get(&format!("/api/mail/messages/{message}"), &owner_token)).await;
    assert_eq!(m["data"]["unread"], true, "still unread");
    let (s, _) =
        call(&app, delete(&format!("/api/mail/accounts/{}", mailbox.account), &owner_token)).await;
    assert_eq!(s, 200, "the owner can unlink it");
}
