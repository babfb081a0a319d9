//! `GET /api/events`: members read the events of what they own, admins read everything.

use serde_json::{Value, json};
use switchboard_domain::identity::Role;

use crate::accounts::{app, bearer, get, member, post, set_role};
use crate::support::{identity, json_call};
use switchboard_memory::ManualClock;

fn objects(page: &Value) -> Vec<String> {
    page["data"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events: {page}"))
        .iter()
        .map(|e| e["object_id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn members_see_only_their_own_objects_events_and_admins_all() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (alice_id, alice) = member(&app, "alice@example.org").await;
    let (bob_id, bob) = member(&app, "bob@example.org").await;
    let (root_id, root) = member(&app, "root@example.org").await;
    set_role(&uow, "root@example.org", Role::Admin).await;
    let (s, _, key) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "bot", "scopes": ["read"]})), &alice),
    )
    .await;
    assert_eq!(s, 201);
    let (key, key_id) = (
        key["data"]["key"].as_str().unwrap().to_owned(),
        key["data"]["api_key"]["id"].as_str().unwrap().to_owned(),
    );

    let (s, _, page) = json_call(&app, get("/api/events", &alice)).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(objects(&page), [alice_id.clone(), key_id.clone()]);
    let (_, _, page) = json_call(&app, get("/api/events", &key)).await;
    assert_eq!(objects(&page), [alice_id.clone(), key_id.clone()], "a read key reads them too");
    let (_, _, page) = json_call(&app, get("/api/events", &bob)).await;
    assert_eq!(objects(&page), vec![bob_id.clone()]);
    let (s, _, page) =
        json_call(&app, get(&format!("/api/events?object_id={alice_id}"), &bob)).await;
    assert_eq!((s, objects(&page)), (200, vec![]), "asking for another's object finds nothing");
    let (_, _, page) = json_call(&app, get("/api/events?model=api_key", &bob)).await;
    assert!(objects(&page).is_empty(), "{page}");

    let (_, _, page) = json_call(&app, get("/api/events", &root)).await;
    assert_eq!(objects(&page), [alice_id.clone(), bob_id.clone(), root_id, key_id.clone()]);
    let (_, _, first) = json_call(&app, get("/api/events?limit=1", &alice)).await;
    assert_eq!(objects(&first), [alice_id]);
    let cursor = first["data"]["next_cursor"].as_str().unwrap();
    let (_, _, rest) = json_call(&app, get(&format!("/api/events?after={cursor}"), &alice)).await;
    assert_eq!(objects(&rest), [key_id]);
    let (s, _, b) = json_call(&app, get("/api/events?after=nonsense", &alice)).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (422, Some("after")), "{b}");
    let (s, _, _) = json_call(&app, actix_web::test::TestRequest::get().uri("/api/events")).await;
    assert_eq!(s, 401);
}
