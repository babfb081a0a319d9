//! `PATCH /api/me`: the display name (an event through the unit of work) and the password
//! (the current one required; every other session ends).

use serde_json::{Value, json};
use switchboard_domain::Change;
use switchboard_memory::{ManualClock, MemoryStore};

use crate::accounts::{app, bearer, get, login, patch, post, signup};
use crate::support::{assert_error_envelope, identity, json_call};

/// The `changed` events of the user's own record, as (attribute, old, new).
async fn user_changes(uow: &MemoryStore) -> Vec<(String, Value, Value)> {
    let state = uow.snapshot().await;
    state
        .events
        .iter()
        .filter(|e| e.model_name == "user")
        .filter_map(|e| match &e.change {
            Change::Changed { attribute_name, old_value, new_value } => {
                assert_eq!(e.occurred_by, e.owner_id, "the user changed their own record");
                assert_eq!(e.owner_id.map(|o| o.to_string()), Some(e.object_id.clone()));
                Some((attribute_name.clone(), old_value.clone(), new_value.clone()))
            }
            _ => None,
        })
        .collect()
}

#[actix_web::test]
async fn display_name_changes_are_events() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let tokens = signup(&app, "ada@example.org").await;
    let access = tokens["access_token"].as_str().unwrap();

    let (s, _, b) =
        json_call(&app, bearer(patch("/api/me", json!({"display_name": "  Ada L. "})), access))
            .await;
    assert_eq!((s, b["data"]["display_name"].as_str()), (200, Some("Ada L.")), "{b}");
    let (_, _, me) = json_call(&app, get("/api/me", access)).await;
    assert_eq!(me["data"]["display_name"], "Ada L.", "stored");
    assert_eq!(user_changes(&uow).await, [("display_name".to_owned(), json!(""), json!("Ada L."))]);

    let (s, _, _) =
        json_call(&app, bearer(patch("/api/me", json!({"display_name": "Ada L."})), access)).await;
    assert_eq!(s, 200);
    assert_eq!(user_changes(&uow).await.len(), 1, "no change, no event");

    for bad in ["x".repeat(101), "bell\u{7}".to_owned()] {
        let (s, _, b) =
            json_call(&app, bearer(patch("/api/me", json!({"display_name": bad})), access)).await;
        assert_eq!((s, b["errors"][0]["field"].as_str()), (422, Some("display_name")), "{b}");
    }
    let (s, _, events) = json_call(&app, get("/api/events?model=user", access)).await;
    assert_eq!(s, 200, "{events}");
    let kinds: Vec<(&str, &str)> = events["data"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["attribute_name"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(kinds, [("added", ""), ("changed", "display_name")], "read back: {events}");
}

#[actix_web::test]
async fn a_password_change_needs_the_current_one_and_ends_every_other_session() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let first = signup(&app, "bob@example.org").await;
    let (_, second) = login(&app, "bob@example.org", "correct horse").await;
    let (a1, r1) = (first["access_token"].as_str().unwrap(), first["refresh_token"].clone());
    let (a2, r2) =
        (second["data"]["access_token"].as_str().unwrap(), second["data"]["refresh_token"].clone());
    let change = |body: Value| bearer(patch("/api/me", body), a1);

    let pc = |change: Value| json!({"password_change": change});
    let refused = [
        (
            pc(json!({"current_password": "wrong horse", "new_password": "new horse 1"})),
            "password_change.current_password",
        ),
        (pc(json!({"new_password": "new horse 1"})), "password_change"),
        (pc(json!({"current_password": "correct horse"})), "password_change"),
        (
            pc(json!({"current_password": "correct horse", "new_password": "short"})),
            "password_change.new_password",
        ),
    ];
    for (body, field) in refused {
        let (s, _, b) = json_call(&app, change(body.clone())).await;
        assert_eq!((s, b["errors"][0]["field"].as_str()), (422, Some(field)), "{body}: {b}");
        assert_error_envelope(&b);
    }
    let (s, _, _) = json_call(&app, get("/api/me", a2)).await;
    assert_eq!(s, 200, "refused changes end nothing");
    assert!(user_changes(&uow).await.is_empty());

    let (s, _, b) = json_call(
        &app,
        change(pc(json!({"current_password": "correct horse", "new_password": "new horse 1"}))),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, _, _) = json_call(&app, get("/api/me", a1)).await;
    assert_eq!(s, 200, "the current session keeps working");
    let (s, _, _) = json_call(&app, get("/api/me", a2)).await;
    assert_eq!(s, 401, "another session's access token fails");
    let (s, _, _) = json_call(&app, post("/api/auth/refresh", json!({"refresh_token": r2}))).await;
    assert_eq!(s, 401, "and its refresh token");
    let (s, _, _) = json_call(&app, post("/api/auth/refresh", json!({"refresh_token": r1}))).await;
    assert_eq!(s, 200, "the current session still refreshes");

    assert_eq!(login(&app, "bob@example.org", "correct horse").await.0, 401, "old password");
    assert_eq!(login(&app, "bob@example.org", "new horse 1").await.0, 200, "new password");
    assert_eq!(user_changes(&uow).await, [("password".to_owned(), Value::Null, Value::Null)]);
    let log = format!("{:?}", uow.snapshot().await.events);
    assert!(!log.contains("$argon2"), "no hash in the event log");
}

#[actix_web::test]
async fn logout_all_ends_every_session_of_the_user_only() {
    let (app, _) = app!(identity(ManualClock::default()));
    let first = signup(&app, "carol@example.org").await;
    let (_, second) = login(&app, "carol@example.org", "correct horse").await;
    let (_, third) = login(&app, "carol@example.org", "correct horse").await;
    let other = signup(&app, "dave@example.org").await;
    let sessions = [&first, &second["data"], &third["data"]];
    let a1 = first["access_token"].as_str().unwrap();
    let (s, _, key) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "tv", "scopes": ["read"]})), a1),
    )
    .await;
    assert_eq!(s, 201);
    let key = key["data"]["key"].as_str().unwrap();

    let (s, _, b) = json_call(&app, bearer(post("/api/auth/logout-all", json!({})), a1)).await;
    assert_eq!(s, 200, "{b}");
    for (i, tokens) in sessions.iter().enumerate() {
        let (s, _, _) =
            json_call(&app, get("/api/me", tokens["access_token"].as_str().unwrap())).await;
        assert_eq!(s, 401, "session {i}'s access token");
        let (s, _, _) = json_call(
            &app,
            post("/api/auth/refresh", json!({"refresh_token": tokens["refresh_token"]})),
        )
        .await;
        assert_eq!(s, 401, "session {i}'s refresh token");
    }
    let (s, _, _) = json_call(&app, get("/api/me", other["access_token"].as_str().unwrap())).await;
    assert_eq!(s, 200, "another user's session is untouched");
    let (s, _, _) = json_call(&app, get("/api/me", key)).await;
    assert_eq!(s, 200, "API keys are not sessions: revoked one by one or by disabling");
    assert_eq!(login(&app, "carol@example.org", "correct horse").await.0, 200);
}
