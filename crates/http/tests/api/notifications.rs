//! The notification routes: paging newest first, reading, deleting and preferences, each
//! within the caller's own notifications; bad input answers 422 naming the field.

use std::collections::HashSet;

use serde_json::{Value, json};
use switchboard_domain::{NewEvent, UserId};
use switchboard_memory::{ManualClock, MemoryStore};
use switchboard_ports::{Transaction, UnitOfWork};
use switchboard_services::{NotificationPolicy, NotificationService};

use crate::accounts::{app, bearer, delete, get, member, patch, post};
use crate::support::{TestPorts, identity, json_call};

/// Disables a webhook of `owner` as the webhook store records it, then runs the consumer.
async fn disable(uow: &MemoryStore, clock: &ManualClock, owner: &str, webhook: &str) {
    let owner: UserId = owner.parse().unwrap();
    let event = NewEvent::changed("webhook", webhook, "enabled", true, false).owned_by(Some(owner));
    uow.transact(move |tx| Box::pin(async move { tx.append_events(vec![event]).await }))
        .await
        .unwrap();
    let service: NotificationService<TestPorts> =
        NotificationService::new(uow.clone(), clock.clone(), NotificationPolicy::default());
    service.update().await.unwrap();
}

fn listed(page: &Value) -> Vec<String> {
    page["data"]["notifications"]
        .as_array()
        .unwrap_or_else(|| panic!("no notifications: {page}"))
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

fn field(body: &Value) -> &str {
    body["errors"][0]["field"].as_str().unwrap_or_default()
}

#[actix_web::test]
async fn notifications_are_paged_read_and_deleted_by_their_owner_only() {
    let clock = ManualClock::default();
    let (app, uow) = app!(identity(clock.clone()));
    let (owner_id, owner) = member(&app, "owner@example.org").await;
    let (intruder_id, intruder) = member(&app, "intruder@example.org").await;
    for n in 0..5 {
        disable(&uow, &clock, &owner_id, &format!("w{n}")).await;
    }
    disable(&uow, &clock, &intruder_id, "theirs").await;

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let uri = format!("/api/notifications?limit=2&cursor={cursor}");
        let (s, _, page) = json_call(&app, get(&uri, &owner)).await;
        assert_eq!(s, 200, "{page}");
        seen.extend(listed(&page));
        cursor = page["data"]["next_cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5, "no duplicates");
    let (_, _, first) = json_call(&app, get("/api/notifications", &owner)).await;
    assert_eq!(listed(&first), seen, "newest first, as paged");
    let newest = &first["data"]["notifications"][0];
    assert_eq!(newest["kind"], "webhook_disabled");
    assert_eq!(newest["params"]["webhook_id"], "w4");
    assert_eq!(newest["read"], false);
    assert!(newest["message"].as_str().unwrap().contains("w4"));
    let (_, _, theirs) = json_call(&app, get("/api/notifications", &intruder)).await;
    let theirs = listed(&theirs);
    assert_eq!(theirs.len(), 1);
    assert!(!seen.contains(&theirs[0]), "never another user's");

    // Bad input: 422 naming the field.
    for (uri, named) in [
        ("/api/notifications?limit=0", "limit"),
        ("/api/notifications?limit=101", "limit"),
        ("/api/notifications?cursor=zzz", "cursor"),
        ("/api/notifications?unread=maybe", "unread"),
    ] {
        let (s, _, body) = json_call(&app, get(uri, &owner)).await;
        assert_eq!((s, field(&body)), (422, named), "{uri}: {body}");
    }
    let read = |body: Value, token: &str| bearer(post("/api/notifications/read", body), token);
    for (body, named) in [
        (json!({}), "ids"),
        (json!({"ids": [seen[0]], "up_to": seen[1]}), "up_to"),
        (json!({"ids": ["nope"]}), "ids[0]"),
        (json!({"up_to": "zzz"}), "up_to"),
    ] {
        let (s, _, answer) = json_call(&app, read(body.clone(), &owner)).await;
        assert_eq!((s, field(&answer)), (422, named), "{body}: {answer}");
    }

    // Another user's ids are ignored, and an `up_to` of theirs is a 404.
    let (s, _, answer) = json_call(&app, read(json!({"ids": seen.clone()}), &intruder)).await;
    assert_eq!((s, answer["data"]["marked"].as_u64()), (200, Some(0)));
    let (s, _, _) = json_call(&app, read(json!({"up_to": seen[0]}), &intruder)).await;
    assert_eq!(s, 404);
    // The newest, then everything from the third newest down.
    let (s, _, answer) = json_call(&app, read(json!({"ids": [seen[0]]}), &owner)).await;
    assert_eq!((s, answer["data"]["marked"].as_u64()), (200, Some(1)));
    let (s, _, answer) = json_call(&app, read(json!({"up_to": seen[2]}), &owner)).await;
    assert_eq!((s, answer["data"]["marked"].as_u64()), (200, Some(3)));
    let (_, _, unread) = json_call(&app, get("/api/notifications?unread=true", &owner)).await;
    assert_eq!(listed(&unread), vec![seen[1].clone()]);
    let (_, _, unread) = json_call(&app, get("/api/notifications?unread=true", &intruder)).await;
    assert_eq!(listed(&unread).len(), 1, "the intruder's own stays unread");

    // Deleting: 404 for another user's, as for an unknown id; the owner deletes once.
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [&seen[0], &unknown, &"not-an-id".to_owned()] {
        let (s, _, body) =
            json_call(&app, delete(&format!("/api/notifications/{id}"), &intruder)).await;
        assert_eq!((s, body["message"].as_str()), (404, Some("no such notification")), "{id}");
    }
    let (s, _, _) =
        json_call(&app, delete(&format!("/api/notifications/{}", seen[0]), &owner)).await;
    assert_eq!(s, 200);
    let (s, _, _) =
        json_call(&app, delete(&format!("/api/notifications/{}", seen[0]), &owner)).await;
    assert_eq!(s, 404);
    let (_, _, after) = json_call(&app, get("/api/notifications", &owner)).await;
    assert_eq!(listed(&after), seen[1..].to_vec());
}

#[actix_web::test]
async fn an_opted_out_kind_is_not_made_for_that_user() {
    let clock = ManualClock::default();
    let (app, uow) = app!(identity(clock.clone()));
    let (owner_id, owner) = member(&app, "owner@example.org").await;
    let (_, other) = member(&app, "other@example.org").await;
    let (s, _, prefs) = json_call(&app, get("/api/me/preferences", &owner)).await;
    assert_eq!(s, 200);
    let all = prefs["data"]["notifications"].as_array().unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|p| p["enabled"] == true), "{prefs}");

    let change = json!({"notifications": [{"kind": "webhook_disabled", "enabled": false}]});
    let (s, _, prefs) = json_call(&app, bearer(patch("/api/me/preferences", change), &owner)).await;
    assert_eq!(s, 200);
    let off: Vec<&Value> = prefs["data"]["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["enabled"] == false)
        .collect();
    assert_eq!(off.len(), 1);
    assert_eq!(off[0]["kind"], "webhook_disabled");
    let (_, _, theirs) = json_call(&app, get("/api/me/preferences", &other)).await;
    let theirs = theirs["data"]["notifications"].as_array().unwrap();
    assert!(theirs.iter().all(|p| p["enabled"] == true), "another user's are their own");
    let bad = json!({"notifications": [{"kind": "new_mail", "enabled": false}, {"kind": "gossip", "enabled": false}]});
    let (s, _, body) = json_call(&app, bearer(patch("/api/me/preferences", bad), &owner)).await;
    assert_eq!((s, field(&body)), (422, "notifications[1].kind"), "{body}");
    let (_, _, prefs) = json_call(&app, get("/api/me/preferences", &owner)).await;
    let new_mail = prefs["data"]["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "new_mail")
        .cloned();
    assert_eq!(
        new_mail.map(|p| p["enabled"].clone()),
        Some(json!(true)),
        "a refused change changes nothing"
    );

    disable(&uow, &clock, &owner_id, "w1").await;
    let (_, _, page) = json_call(&app, get("/api/notifications", &owner)).await;
    assert!(listed(&page).is_empty(), "opted out: not made");
}
