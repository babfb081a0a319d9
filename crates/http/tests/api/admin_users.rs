//! `PATCH /api/admin/users/{id}`: who may change what, the last superadmin, and disabling
//! revoking every credential at once.

use serde_json::{Value, json};
use switchboard_domain::identity::Role;
use switchboard_domain::{Change, UserId};
use switchboard_memory::{ManualClock, MemoryStore};

use crate::accounts::{app, bearer, delete, get, login, member, patch, post, set_role};
use crate::support::{assert_error_envelope, identity, json_call};

fn user(id: &str) -> String {
    format!("/api/admin/users/{id}")
}

/// The `changed` events of user `id`'s `attribute`, as (old, new, by, owner).
async fn changes(uow: &MemoryStore, id: &str, attribute: &str) -> Vec<(Value, Value, String)> {
    let state = uow.snapshot().await;
    state
        .events
        .iter()
        .filter(|e| e.model_name == "user" && e.object_id == id)
        .filter_map(|e| match &e.change {
            Change::Changed { attribute_name, old_value, new_value }
                if attribute_name == attribute =>
            {
                assert_eq!(e.owner_id.map(|o| o.to_string()).as_deref(), Some(id), "owned by");
                let by = e.occurred_by.map(|b| b.to_string()).unwrap_or_default();
                Some((old_value.clone(), new_value.clone(), by))
            }
            _ => None,
        })
        .collect()
}

#[actix_web::test]
async fn members_get_403_and_unknown_ids_404() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (admin_id, admin) = member(&app, "admin@example.org").await;
    let (member_id, member_token) = member(&app, "member@example.org").await;
    set_role(&uow, "admin@example.org", Role::Admin).await;

    let (s, _, known) =
        json_call(&app, bearer(patch(&user(&admin_id), json!({"disabled": true})), &member_token))
            .await;
    let unknown_id = UserId::new().to_string();
    let (s2, _, unknown) = json_call(
        &app,
        bearer(patch(&user(&unknown_id), json!({"disabled": true})), &member_token),
    )
    .await;
    assert_eq!((s, s2), (403, 403), "{known} {unknown}");
    assert_eq!(known["message"], unknown["message"], "a member learns nothing about ids");
    assert_error_envelope(&known);

    for id in [unknown_id.as_str(), "not-a-uuid"] {
        let (s, _, b) =
            json_call(&app, bearer(patch(&user(id), json!({"disabled": true})), &admin)).await;
        assert_eq!(s, 404, "{id}: {b}");
        assert_error_envelope(&b);
    }
    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&member_id), json!({"role": "god"})), &admin)).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (422, Some("role")), "{b}");
    let (_, _, me) = json_call(&app, get("/api/me", &member_token)).await;
    assert_eq!(me["data"]["disabled"], false, "refused requests changed nothing");
}

#[actix_web::test]
async fn only_a_superadmin_grants_or_takes_admin_rights() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (root_id, root) = member(&app, "root@example.org").await;
    let (admin_id, admin) = member(&app, "admin@example.org").await;
    let (other_admin_id, _) = member(&app, "admin2@example.org").await;
    let (member_id, member_token) = member(&app, "member@example.org").await;
    set_role(&uow, "root@example.org", Role::Superadmin).await;
    set_role(&uow, "admin@example.org", Role::Admin).await;
    set_role(&uow, "admin2@example.org", Role::Admin).await;

    let refused = [
        (&member_id, json!({"role": "admin"})),
        (&member_id, json!({"role": "superadmin"})),
        (&other_admin_id, json!({"role": "member"})),
        (&other_admin_id, json!({"disabled": true})),
        (&root_id, json!({"disabled": true})),
        (&admin_id, json!({"role": "superadmin"})),
    ];
    for (id, body) in refused {
        let (s, _, b) = json_call(&app, bearer(patch(&user(id), body.clone()), &admin)).await;
        assert_eq!(s, 403, "an admin sends {body} to {id}: {b}");
        assert_eq!(b["message"], "only a superadmin may grant or take away admin rights");
    }

    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&member_id), json!({"role": "admin"})), &root)).await;
    assert_eq!((s, b["data"]["role"].as_str()), (200, Some("admin")), "{b}");
    let (s, _, _) = json_call(&app, get("/api/admin/users", &member_token)).await;
    assert_eq!(s, 200, "the new role applies to the token already held");
    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&member_id), json!({"role": "superadmin"})), &root))
            .await;
    assert_eq!((s, b["data"]["role"].as_str()), (200, Some("superadmin")), "{b}");
    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&admin_id), json!({"role": "member"})), &member_token))
            .await;
    assert_eq!((s, b["data"]["role"].as_str()), (200, Some("member")), "the new superadmin acts");
    let (s, _, _) = json_call(&app, get("/api/admin/users", &admin)).await;
    assert_eq!(s, 403, "the demoted admin's token lost its rights at once");
    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&member_id), json!({"role": "member"})), &root)).await;
    assert_eq!((s, b["data"]["role"].as_str()), (200, Some("member")), "{b}");

    assert_eq!(
        changes(&uow, &member_id, "role").await,
        [
            (json!("member"), json!("admin"), root_id.clone()),
            (json!("admin"), json!("superadmin"), root_id.clone()),
            (json!("superadmin"), json!("member"), root_id.clone()),
        ],
        "each role change is an event, by its actor"
    );
    assert_eq!(
        changes(&uow, &admin_id, "role").await,
        [(json!("admin"), json!("member"), member_id.clone())]
    );
}

#[actix_web::test]
async fn nobody_demotes_or_disables_the_last_superadmin() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (root_id, root) = member(&app, "root@example.org").await;
    let (second_id, second) = member(&app, "second@example.org").await;
    set_role(&uow, "root@example.org", Role::Superadmin).await;

    let last = [
        json!({"role": "admin"}),
        json!({"role": "member"}),
        json!({"disabled": true}),
        json!({"role": "superadmin", "disabled": true}),
        json!({"role": "member", "disabled": true}),
    ];
    for body in &last {
        let (s, _, b) = json_call(&app, bearer(patch(&user(&root_id), body.clone()), &root)).await;
        assert_eq!(s, 403, "{body}: {b}");
        assert_eq!(b["message"], "the last superadmin cannot be demoted or disabled");
    }

    let (s, _, _) =
        json_call(&app, bearer(patch(&user(&second_id), json!({"role": "superadmin"})), &root))
            .await;
    assert_eq!(s, 200);
    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&root_id), json!({"disabled": true})), &second)).await;
    assert_eq!((s, b["data"]["disabled"].as_bool()), (200, Some(true)), "two of them: {b}");
    for body in &last {
        let (s, _, b) =
            json_call(&app, bearer(patch(&user(&second_id), body.clone()), &second)).await;
        assert_eq!(s, 403, "the other one is disabled: {body}: {b}");
    }
    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&root_id), json!({"role": "member"})), &second)).await;
    assert_eq!(
        (s, b["data"]["role"].as_str()),
        (200, Some("member")),
        "a disabled one is not the last: {b}"
    );
    let (_, _, me) = json_call(&app, get("/api/me", &second)).await;
    assert_eq!(me["data"]["role"], "superadmin");
}

#[actix_web::test]
async fn disabling_revokes_every_session_and_key_at_once() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (admin_id, admin) = member(&app, "admin@example.org").await;
    let (victim_id, first) = member(&app, "victim@example.org").await;
    set_role(&uow, "admin@example.org", Role::Admin).await;
    let (s, second) = login(&app, "victim@example.org", "correct horse").await;
    assert_eq!(s, 200);
    let (second, refresh) = (
        second["data"]["access_token"].as_str().unwrap().to_owned(),
        second["data"]["refresh_token"].clone(),
    );
    let (s, _, key) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "cli", "scopes": ["read", "write"]})), &first),
    )
    .await;
    assert_eq!(s, 201, "{key}");
    let (key, key_id) = (
        key["data"]["key"].as_str().unwrap().to_owned(),
        key["data"]["api_key"]["id"].as_str().unwrap().to_owned(),
    );
    for credential in [&first, &second, &key] {
        let (s, _, _) = json_call(&app, get("/api/me", credential)).await;
        assert_eq!(s, 200, "works before");
    }

    let (s, _, b) =
        json_call(&app, bearer(patch(&user(&victim_id), json!({"disabled": true})), &admin)).await;
    assert_eq!((s, b["data"]["disabled"].as_bool()), (200, Some(true)), "{b}");
    for (what, credential) in
        [("first session", &first), ("second session", &second), ("key", &key)]
    {
        let (s, h, b) = json_call(&app, get("/api/me", credential)).await;
        assert_eq!(s, 401, "{what} stopped at once: {b}");
        assert!(h.get("www-authenticate").is_some());
    }
    let (s, _, _) = json_call(
        &app,
        actix_web::test::TestRequest::get()
            .uri("/api/me")
            .insert_header(("X-API-Key", key.as_str())),
    )
    .await;
    assert_eq!(s, 401, "the key in X-API-Key too");
    let (s, _, _) =
        json_call(&app, post("/api/auth/refresh", json!({"refresh_token": refresh}))).await;
    assert_eq!(s, 401, "refresh tokens too");
    let (s, _) = login(&app, "victim@example.org", "correct horse").await;
    assert_eq!(s, 401, "a disabled user cannot log in");

    let state = uow.snapshot().await;
    assert!(
        state
            .identity
            .sessions
            .values()
            .filter(|s| s.user_id.to_string() == victim_id)
            .all(|s| s.revoked_at.is_some()),
        "sessions revoked in the store, not merely refused"
    );
    assert!(state.events.iter().any(|e| e.model_name == "api_key"
        && e.object_id == key_id
        && e.change == Change::Deleted
        && e.occurred_by.map(|b| b.to_string()) == Some(admin_id.clone())));
    assert!(
        state.identity.api_keys.values().all(|k| k.revoked_at.is_some()),
        "keys revoked in the store"
    );
    assert_eq!(
        changes(&uow, &victim_id, "disabled").await,
        [(json!(false), json!(true), admin_id.clone())]
    );

    let (s, _, _) =
        json_call(&app, bearer(patch(&user(&victim_id), json!({"disabled": false})), &admin)).await;
    assert_eq!(s, 200);
    for credential in [&first, &second, &key] {
        let (s, _, _) = json_call(&app, get("/api/me", credential)).await;
        assert_eq!(s, 401, "re-enabling does not bring old credentials back");
    }
    let (s, _) = login(&app, "victim@example.org", "correct horse").await;
    assert_eq!(s, 200, "but the user may log in again");
    let (s, _, _) = json_call(&app, delete(&format!("/api/api-keys/{key_id}"), &first)).await;
    assert_eq!(s, 401);
}
