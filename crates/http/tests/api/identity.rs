//! Identity routes over the in-memory store with the real crypto adapters; time moves by the
//! clock port.

use std::time::Duration;

use actix_web::test::TestRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use serde_json::{Value, json};
use switchboard_crypto::{JwtSettings, JwtTokens, SigningKeySetting};
use switchboard_domain::UserId;
use switchboard_domain::identity::{Role, SessionId};
use switchboard_memory::ManualClock;
use switchboard_ports::{Clock, TokenIssuer, UnitOfWork, UserStore};

use crate::accounts::{app, bearer, post, signup};
use crate::support::{assert_error_envelope, identity, json_call};

#[actix_web::test]
async fn register_login_me_and_every_rejected_token() {
    let clock = ManualClock::default();
    let (app, _) = app!(identity(clock.clone()));
    let tokens = signup(&app, " Ada@Example.org ").await;
    assert_eq!(tokens["token_type"], "Bearer");
    let access = tokens["access_token"].as_str().unwrap();
    let (s, _, me) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), access)).await;
    assert_eq!((s, me["data"]["email"].as_str()), (200, Some("ada@example.org")));
    assert_eq!(me["data"]["role"], "member");

    let (s, _, b) = json_call(
        &app,
        post("/api/auth/register", json!({"email": "ada@example.org", "password": "another one"})),
    )
    .await;
    assert_eq!(s, 409, "{b}");
    let (s, _, b) =
        json_call(&app, post("/api/auth/register", json!({"email": "x@y.z", "password": "short"})))
            .await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (422, Some("password")));
    let (s, _, b) = json_call(
        &app,
        post("/api/auth/login", json!({"email": "ada@example.org", "password": "wrong pass"})),
    )
    .await;
    let (s2, _, b2) = json_call(
        &app,
        post("/api/auth/login", json!({"email": "nobody@example.org", "password": "wrong pass"})),
    )
    .await;
    assert_eq!((s, s2), (401, 401));
    assert_eq!(b["message"], b2["message"], "unknown email and wrong password look the same");

    let parts: Vec<&str> = access.split('.').collect();
    let head = |v: Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap());
    let other = |issuer: &str, audience: &str, key: &str| {
        JwtTokens::new(JwtSettings {
            issuer: issuer.into(),
            audience: audience.into(),
            lifetime_secs: 900,
            keys: vec![SigningKeySetting {
                kid: "k1".into(),
                private_key: SecretString::from(key),
            }],
            verified_cache: 0,
        })
        .unwrap()
        .issue(UserId::new(), SessionId::new(), chrono::Utc::now())
        .unwrap()
        .token
    };
    let key = "dev-insecure-jwt-signing-key-one-AAAAAAAAAA";
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let user: UserId = claims["sub"].as_str().unwrap().parse().unwrap();
    let session: SessionId = claims["sid"].as_str().unwrap().parse().unwrap();
    let tokens_at = |key: &str, at: chrono::DateTime<chrono::Utc>| {
        JwtTokens::new(JwtSettings {
            issuer: "switchboard".into(),
            audience: "switchboard-api".into(),
            lifetime_secs: 900,
            keys: vec![SigningKeySetting {
                kid: "k1".into(),
                private_key: SecretString::from(key),
            }],
            verified_cache: 0,
        })
        .unwrap()
        .issue(user, session, at)
        .unwrap()
        .token
    };
    let now_token = tokens_at(key, clock.now());
    let (s, _, b) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), &now_token)).await;
    assert_eq!(s, 200, "the same token issued now is accepted: {b}");
    let rejected = [
        ("none", format!("{}.{}.", head(json!({"alg": "none", "kid": "k1"})), parts[1])),
        (
            "HS256",
            format!("{}.{}.{}", head(json!({"alg": "HS256", "kid": "k1"})), parts[1], parts[2]),
        ),
        (
            "unknown kid",
            format!("{}.{}.{}", head(json!({"alg": "EdDSA", "kid": "zz"})), parts[1], parts[2]),
        ),
        (
            "bad signature",
            other("switchboard", "switchboard-api", "dev-insecure-jwt-signing-key-two-AAAAAAAAAA"),
        ),
        ("wrong issuer", other("evil", "switchboard-api", key)),
        ("wrong audience", other("switchboard", "evil", key)),
        ("garbage", "not-a-token".to_owned()),
        // Signed with the right key for the real session, but its `iat` is two minutes ahead.
        ("issued in the future", tokens_at(key, clock.now() + chrono::Duration::seconds(120))),
    ];
    for (case, token) in rejected {
        let (s, h, b) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), &token)).await;
        assert_eq!(s, 401, "{case}: {b}");
        assert!(h.get("www-authenticate").is_some(), "{case}");
        assert_error_envelope(&b);
    }
    let (s, h, _) = json_call(&app, TestRequest::get().uri("/api/me")).await;
    assert_eq!(s, 401);
    assert!(h.get("www-authenticate").is_some());

    clock.advance(Duration::from_secs(901));
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), access)).await;
    assert_eq!(s, 401, "expired");
    let (s, _, jwks) = json_call(&app, TestRequest::get().uri("/.well-known/jwks.json")).await;
    assert_eq!((s, jwks["keys"][0]["kid"].as_str()), (200, Some("k1")));
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let clock = ManualClock::default();
    let (app, _) = app!(identity(clock.clone()));
    let first = signup(&app, "bob@example.org").await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let (s, _, second) =
        json_call(&app, post("/api/auth/refresh", json!({"refresh_token": r1}))).await;
    assert_eq!(s, 200, "{second}");
    let r2 = second["data"]["refresh_token"].as_str().unwrap().to_owned();
    let a2 = second["data"]["access_token"].as_str().unwrap().to_owned();
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), &a2)).await;
    assert_eq!(s, 200);
    // Past the grace period (5 s by default) of the rotation.
    clock.advance(Duration::from_secs(5));
    let (s, _, _) = json_call(&app, post("/api/auth/refresh", json!({"refresh_token": r1}))).await;
    assert_eq!(s, 401, "reuse");
    let (s, _, _) = json_call(&app, post("/api/auth/refresh", json!({"refresh_token": r2}))).await;
    assert_eq!(s, 401, "the whole family is revoked");
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), &a2)).await;
    assert_eq!(s, 401, "and its access tokens");
}

#[actix_web::test]
async fn concurrent_refreshes_get_one_successor_in_the_memory_store_too() {
    let clock = ManualClock::default();
    let (app, uow) = app!(identity(clock.clone()));
    let first = signup(&app, "bea@example.org").await;
    let r1 = json!({"refresh_token": first["refresh_token"]});
    let (one, two) = futures_util::future::join(
        json_call(&app, post("/api/auth/refresh", r1.clone())),
        json_call(&app, post("/api/auth/refresh", r1.clone())),
    )
    .await;
    assert_eq!((one.0, two.0), (200, 200), "{} {}", one.2, two.2);
    let successor = &one.2["data"]["refresh_token"];
    assert_eq!(successor, &two.2["data"]["refresh_token"]);
    assert_eq!(uow.snapshot().await.identity.refresh_tokens.len(), 2, "one rotation");
    clock.advance(Duration::from_secs(4));
    let (s, _, again) = json_call(&app, post("/api/auth/refresh", r1.clone())).await;
    assert_eq!((s, &again["data"]["refresh_token"]), (200, successor), "still in the grace");
    clock.advance(Duration::from_secs(1));
    let (s, _, _) = json_call(&app, post("/api/auth/refresh", r1)).await;
    assert_eq!(s, 401, "past it: reuse");
    let (s, _, _) =
        json_call(&app, post("/api/auth/refresh", json!({"refresh_token": successor}))).await;
    assert_eq!(s, 401, "the family is revoked");
}

#[actix_web::test]
async fn sessions_expire_when_idle_and_logout_ends_them() {
    let clock = ManualClock::default();
    let (app, _) = app!(identity(clock.clone()));
    let t = signup(&app, "carol@example.org").await;
    let t2 = {
        let (_, _, b) = json_call(
            &app,
            post(
                "/api/auth/login",
                json!({"email": "carol@example.org", "password": "correct horse"}),
            ),
        )
        .await;
        b["data"].clone()
    };
    let access = t["access_token"].as_str().unwrap();
    let (s, _, list) =
        json_call(&app, bearer(TestRequest::get().uri("/api/auth/sessions"), access)).await;
    assert_eq!((s, list["data"]["sessions"].as_array().unwrap().len()), (200, 2));
    let other_id =
        list["data"]["sessions"].as_array().unwrap().iter().find(|s| s["current"] != true).unwrap()
            ["id"]
            .as_str()
            .unwrap()
            .to_owned();

    let stranger = signup(&app, "mallory@example.org").await;
    let sa = stranger["access_token"].as_str().unwrap();
    let (s, _, _) = json_call(
        &app,
        bearer(TestRequest::delete().uri(&format!("/api/auth/sessions/{other_id}")), sa),
    )
    .await;
    assert_eq!(s, 404, "another user's session is not found");
    let (s, _, _) = json_call(
        &app,
        bearer(TestRequest::delete().uri(&format!("/api/auth/sessions/{other_id}")), access),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, _) = json_call(
        &app,
        bearer(TestRequest::get().uri("/api/me"), t2["access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(s, 401, "deleted session's token no longer works");

    let (s, _, _) = json_call(&app, bearer(post("/api/auth/logout", json!({})), access)).await;
    assert_eq!(s, 200);
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), access)).await;
    assert_eq!(s, 401);

    let t3 = signup(&app, "dave@example.org").await;
    clock.advance(Duration::from_secs(15 * 24 * 3600));
    let (s, _, _) =
        json_call(&app, post("/api/auth/refresh", json!({"refresh_token": t3["refresh_token"]})))
            .await;
    assert_eq!(s, 401, "idle session ended");
}

#[actix_web::test]
async fn api_keys_scopes_and_ownership() {
    let clock = ManualClock::default();
    let (app, _) = app!(identity(clock.clone()));
    let t = signup(&app, "erin@example.org").await;
    let access = t["access_token"].as_str().unwrap();
    let (s, _, created) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "phone", "scopes": ["read"]})), access),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let key = created["data"]["key"].as_str().unwrap().to_owned();
    let id = created["data"]["api_key"]["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("sbk_"));

    let (s, _, me) = json_call(
        &app,
        TestRequest::get().uri("/api/me").insert_header(("X-API-Key", key.as_str())),
    )
    .await;
    assert_eq!((s, me["data"]["email"].as_str()), (200, Some("erin@example.org")));
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), &key)).await;
    assert_eq!(s, 200);
    let (s, _, b) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "x", "scopes": ["read"]})), &key),
    )
    .await;
    assert_eq!(s, 403, "read-only key cannot write: {b}");
    let (s, _, writer) = json_call(
        &app,
        bearer(post("/api/api-keys", json!({"name": "ci", "scopes": ["read", "write"]})), access),
    )
    .await;
    assert_eq!(s, 201, "{writer}");
    let writer = writer["data"]["key"].as_str().unwrap().to_owned();
    for req in [
        bearer(post("/api/api-keys", json!({"name": "x", "scopes": ["read", "write"]})), &writer),
        post("/api/api-keys", json!({"name": "x", "scopes": ["read"]}))
            .insert_header(("X-API-Key", writer.as_str())),
    ] {
        let (s, _, b) = json_call(&app, req).await;
        assert_eq!(s, 403, "a write-scoped key cannot mint keys: {b}");
        assert!(assert_error_envelope(&b).contains("signed-in session"), "{b}");
    }
    let (s, _, b) = json_call(
        &app,
        bearer(TestRequest::patch().uri("/api/me").set_json(json!({"display_name": "E"})), &writer),
    )
    .await;
    assert_eq!(s, 200, "it still writes elsewhere: {b}");
    let (s, _, list) =
        json_call(&app, bearer(TestRequest::get().uri("/api/api-keys"), access)).await;
    assert_eq!((s, list["data"]["api_keys"].as_array().unwrap().len()), (200, 2));
    assert!(!list.to_string().contains(&key[20..]), "secret never listed");
    let (s, _, b) =
        json_call(&app, bearer(post("/api/api-keys", json!({"name": "", "scopes": []})), access))
            .await;
    assert_eq!(s, 422, "{b}");

    let stranger = signup(&app, "frank@example.org").await;
    let (s, _, _) = json_call(
        &app,
        bearer(
            TestRequest::delete().uri(&format!("/api/api-keys/{id}")),
            stranger["access_token"].as_str().unwrap(),
        ),
    )
    .await;
    assert_eq!(s, 404, "another user's key is not found");
    let (s, _, _) =
        json_call(&app, bearer(TestRequest::delete().uri(&format!("/api/api-keys/{id}")), access))
            .await;
    assert_eq!(s, 200);
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), &key)).await;
    assert_eq!(s, 401, "revoked key");
}

#[actix_web::test]
async fn admin_routes_follow_the_role_rules() {
    let clock = ManualClock::default();
    let (app, uow) = app!(identity(clock.clone()));
    let root = signup(&app, "root@example.org").await;
    let member = signup(&app, "member@example.org").await;
    let (ra, ma) =
        (root["access_token"].as_str().unwrap(), member["access_token"].as_str().unwrap());
    uow.transact(|tx| {
        Box::pin(async move {
            let email =
                switchboard_domain::identity::EmailAddress::parse("root@example.org").unwrap();
            let mut u = tx.user_by_email(&email).await?.unwrap();
            u.role = Role::Superadmin;
            tx.update_user(&u).await
        })
    })
    .await
    .unwrap();

    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/admin/users"), ma)).await;
    assert_eq!(s, 403, "members are not admins");
    let (s, _, page) =
        json_call(&app, bearer(TestRequest::get().uri("/api/admin/users?email=member"), ra)).await;
    assert_eq!((s, page["data"]["total"].as_u64()), (200, Some(1)));
    let member_id = page["data"]["users"][0]["id"].as_str().unwrap().to_owned();
    let (_, _, me) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), ra)).await;
    let root_id = me["data"]["id"].as_str().unwrap().to_owned();

    let patch = |id: &str, body: Value, token: &str| {
        bearer(TestRequest::patch().uri(&format!("/api/admin/users/{id}")).set_json(body), token)
    };
    let (s, _, b) = json_call(&app, patch(&root_id, json!({"role": "member"}), ra)).await;
    assert_eq!(s, 403, "the last superadmin stays: {b}");
    let (s, _, b) = json_call(&app, patch(&member_id, json!({"role": "admin"}), ra)).await;
    assert_eq!((s, b["data"]["role"].as_str()), (200, Some("admin")));
    let (s, _, _) = json_call(&app, patch(&root_id, json!({"disabled": true}), ma)).await;
    assert_eq!(s, 403, "an admin cannot disable a superadmin");
    let (s, _, _) = json_call(&app, patch(&member_id, json!({"disabled": true}), ra)).await;
    assert_eq!(s, 200);
    let (s, _, _) = json_call(&app, bearer(TestRequest::get().uri("/api/me"), ma)).await;
    assert_eq!(s, 401, "disabling revokes sessions at once");
    let (s, _, _) =
        json_call(&app, patch(&UserId::new().to_string(), json!({"disabled": true}), ra)).await;
    assert_eq!(s, 404);
}

#[actix_web::test]
async fn failed_logins_make_only_that_address_wait() {
    let clock = ManualClock::default();
    let (app, _) = app!(identity(clock.clone()));
    signup(&app, "gina@example.org").await;
    let attempt = |ip: &str, password: &str| {
        post("/api/auth/login", json!({"email": "gina@example.org", "password": password}))
            .peer_addr(format!("{ip}:1000").parse().unwrap())
    };
    // Five failures are free by default; the sixth makes this address wait 1 s, then 2 s.
    for _ in 0..6 {
        let (s, _, _) = json_call(&app, attempt("10.0.0.1", "wrong pass")).await;
        assert_eq!(s, 401);
    }
    let (s, h, b) = json_call(&app, attempt("10.0.0.1", "correct horse")).await;
    assert_eq!((s, h.get("retry-after").map(|v| v.to_str().unwrap())), (429, Some("1")), "{b}");
    assert_error_envelope(&b);
    let (s, _, b) = json_call(&app, attempt("10.0.0.2", "correct horse")).await;
    assert_eq!(s, 200, "the owner's address is not slowed: {b}");
    clock.advance(Duration::from_secs(1));
    let (s, _, _) = json_call(&app, attempt("10.0.0.1", "wrong pass")).await;
    assert_eq!(s, 401);
    let (s, h, _) = json_call(&app, attempt("10.0.0.1", "correct horse")).await;
    assert_eq!((s, h.get("retry-after").map(|v| v.to_str().unwrap())), (429, Some("2")));
    clock.advance(Duration::from_secs(2));
    let (s, _, _) = json_call(&app, attempt("10.0.0.1", "correct horse")).await;
    assert_eq!(s, 200, "the wait passed");
}

#[actix_web::test]
async fn a_listed_origin_may_send_credentials_for_the_oauth_binding_cookie() {
    let (app, _) = app!(identity(ManualClock::default()));
    let from =
        |origin: &'static str| TestRequest::get().uri("/version").insert_header(("Origin", origin));
    let (_, headers, _) = json_call(&app, from("https://app.example")).await;
    assert_eq!(headers.get("access-control-allow-credentials").unwrap(), "true");
    // Another origin is not allowed at all, so a browser never exposes the answer to it.
    let (_, headers, _) = json_call(&app, from("https://evil.example")).await;
    assert!(headers.get("access-control-allow-origin").is_none());
}
