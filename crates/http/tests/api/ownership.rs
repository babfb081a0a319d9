//! A second user tries every id of the first, on every route that reads or changes a
//! user-owned object: each answers as for an id that does not exist, and nothing changes.

use serde_json::{Value, json};
use switchboard_memory::ManualClock;

use crate::accounts::{app, bearer, delete, get, login, member, patch, post};
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
