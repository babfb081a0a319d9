//! The identity stores: users, sessions and refresh tokens, API keys, throttles, sealed
//! secrets and OAuth states.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::identity::{
    ApiKey, ApiKeyId, EmailAddress, Role, Scopes, Session, SessionId, User,
};
use switchboard_ports::{
    ApiKeyStore, OAuthState, OAuthStateStore, RefreshTokenState, Rotation, SealedSecret,
    SealedSecretStore, SessionStore, StoreError, ThrottleStore, ThrottleWindow, UnitOfWork,
    UserQuery, UserStore,
};

use super::{StoreHarness, at, user};

fn secs(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().expect("a valid time")
}

/// Stores `users`.
async fn insert<H: StoreHarness>(store: &H, users: Vec<User>) {
    store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                for user in &users {
                    tx.insert_user(user).await?;
                }
                Ok::<_, StoreError>(())
            })
        })
        .await
        .unwrap();
}

fn session(user: &User, minutes: i64) -> Session {
    Session {
        id: SessionId::new(),
        user_id: user.id,
        user_agent: "agent".into(),
        ip: "192.0.2.1".into(),
        created_at: at(minutes),
        last_used_at: at(minutes),
        expires_at: at(minutes + 600),
        revoked_at: None,
    }
}

/// Users: the email is unique, an account is found by id and by email, updated, paged by
/// creation with a filter on the email, and superadmins counted.
pub async fn users_are_unique_by_email_found_updated_and_paged<H: StoreHarness>(store: &H) {
    let mut users: Vec<User> = (0..5)
        .map(|i| User { created_at: at(i), ..user(&format!("user{i}@example.org")) })
        .collect();
    users[4].email = EmailAddress::parse("someone@else.example").unwrap();
    users[1].role = Role::Superadmin;
    users[2].role = Role::Superadmin;
    users[2].disabled = true;
    insert(store, users.clone()).await;
    let (first, ids) = (users[0].clone(), users.iter().map(|u| u.id).collect::<Vec<_>>());
    let result = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                let by_id = tx.user_by_id(first.id).await?;
                let by_email = tx.user_by_email(&first.email).await?;
                let renamed = User { display_name: "Ada".into(), role: Role::Admin, ..first };
                tx.update_user(&renamed).await?;
                let after = tx.user_by_id(renamed.id).await?;
                let missing = tx.update_user(&user("ghost@example.org")).await;
                let page = UserQuery { email_contains: Some("USER".into()), offset: 1, limit: 2 };
                let page = tx.list_users(&page).await?;
                let admins = tx.count_active_superadmins().await?;
                Ok::<_, StoreError>((by_id, by_email, after, missing, page, admins))
            })
        })
        .await
        .unwrap();
    let (by_id, by_email, after, missing, page, admins) = result;
    let taken = User { email: users[0].email.clone(), ..user("other@example.org") };
    let conflict =
        store.uow().transact(move |tx| Box::pin(async move { tx.insert_user(&taken).await })).await;
    assert!(matches!(conflict, Err(StoreError::Conflict(_))), "{conflict:?}");
    assert_eq!(by_id.as_ref(), Some(&users[0]));
    assert_eq!(by_email.as_ref(), Some(&users[0]));
    let after = after.unwrap();
    assert_eq!((after.display_name.as_str(), after.role), ("Ada", Role::Admin));
    assert_eq!(missing, Err(StoreError::NotFound));
    assert_eq!(page.total, 4);
    assert_eq!(page.users.iter().map(|u| u.id).collect::<Vec<_>>(), ids[1..3]);
    assert_eq!(admins, 1, "a disabled superadmin does not count");
}

/// A session is stored with its first refresh token, found by that token, unused; a rotation
/// keeps the successor (hash and masked value) with the used token, and the successor's use
/// shows through it.
pub async fn a_session_and_its_first_refresh_token_are_inserted_together<H: StoreHarness>(
    store: &H,
) {
    let user = User { created_at: secs(0), ..user("store@example.org") };
    let session = Session {
        id: SessionId::new(),
        user_id: user.id,
        user_agent: "agent".into(),
        ip: "192.0.2.1".into(),
        created_at: secs(0),
        last_used_at: secs(0),
        expires_at: secs(3600),
        revoked_at: None,
    };
    let rotation = Rotation {
        at: secs(60),
        successor_hash: b"hash-of-the-next".to_vec(),
        successor_masked: b"masked-next".to_vec(),
        successor_used: false,
    };
    let (found, rotated, next, after) = store
        .uow()
        .transact(|tx| {
            let (user, session, rotation) = (user.clone(), session.clone(), rotation.clone());
            Box::pin(async move {
                tx.insert_user(&user).await?;
                tx.insert_session(&session, b"hash-of-the-token").await?;
                let found = tx.session_by_refresh(b"hash-of-the-token").await?;
                tx.rotate_refresh(session.id, b"hash-of-the-token", &rotation).await?;
                let rotated = tx.session_by_refresh(b"hash-of-the-token").await?;
                let next = tx.session_by_refresh(b"hash-of-the-next").await?;
                let other = Rotation { successor_hash: b"third".to_vec(), ..rotation.clone() };
                tx.rotate_refresh(session.id, b"hash-of-the-next", &other).await?;
                let after = tx.session_by_refresh(b"hash-of-the-token").await?;
                Ok::<_, StoreError>((found, rotated, next, after))
            })
        })
        .await
        .unwrap();
    assert_eq!(found, Some((session.clone(), RefreshTokenState::Unused)));
    let used = Session { last_used_at: secs(60), ..session };
    assert_eq!(rotated, Some((used.clone(), RefreshTokenState::Used(Some(rotation.clone())))));
    assert_eq!(next, Some((used, RefreshTokenState::Unused)));
    let successor_used = Rotation { successor_used: true, ..rotation };
    assert_eq!(after.map(|(_, state)| state), Some(RefreshTokenState::Used(Some(successor_used))));
}

/// A rotation marks the old token used and records the use; a session is read only by its
/// owner, listed newest first until revoked, and revoked one by one or all but one.
pub async fn refresh_tokens_rotate_and_sessions_are_revoked_by_their_owner<H: StoreHarness>(
    store: &H,
) {
    let (ada, bob) = (user("ada@example.org"), user("bob@example.org"));
    insert(store, vec![ada.clone(), bob.clone()]).await;
    let sessions: Vec<Session> = (0..3).map(|i| session(&ada, i)).collect();
    let (s, ada_id, bob_id) = (sessions.clone(), ada.id, bob.id);
    let result = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                for (i, session) in s.iter().enumerate() {
                    tx.insert_session(session, format!("token-{i}").as_bytes()).await?;
                }
                let rotation = Rotation {
                    at: at(5),
                    successor_hash: b"token-0b".to_vec(),
                    successor_masked: b"masked".to_vec(),
                    successor_used: false,
                };
                tx.rotate_refresh(s[0].id, b"token-0", &rotation).await?;
                let old = tx.session_by_refresh(b"token-0").await?;
                let new = tx.session_by_refresh(b"token-0b").await?;
                let unknown = tx.session_by_refresh(b"never-issued").await?;
                let foreign = tx.session_of(bob_id, s[0].id).await?;
                let with_user = tx.session_with_user(s[1].id).await?;
                let revoked = tx.revoke_session(ada_id, s[1].id, at(6)).await?;
                let again = tx.revoke_session(ada_id, s[1].id, at(6)).await?;
                let not_bobs = tx.revoke_session(bob_id, s[2].id, at(6)).await?;
                let listed = tx.list_sessions(ada_id).await?;
                let all_but = tx.revoke_user_sessions(ada_id, Some(s[2].id), at(7)).await?;
                let left = tx.list_sessions(ada_id).await?;
                let revoked_at = tx.session_of(ada_id, s[0].id).await?.and_then(|s| s.revoked_at);
                Ok::<_, StoreError>((
                    (old, new, unknown, foreign, with_user),
                    (revoked, again, not_bobs, listed, all_but, left, revoked_at),
                ))
            })
        })
        .await
        .unwrap();
    let ((old, new, unknown, foreign, with_user), rest) = result;
    let (revoked, again, not_bobs, listed, all_but, left, revoked_at) = rest;
    let (old, old_state) = old.unwrap();
    assert!(matches!(old_state, RefreshTokenState::Used(Some(_))), "a rotated token is used");
    assert_eq!(old.last_used_at, at(5));
    assert_eq!(
        new.map(|(s, state)| (s.id, state)),
        Some((sessions[0].id, RefreshTokenState::Unused))
    );
    assert_eq!(unknown, None);
    assert_eq!(foreign, None, "another user's session is not found");
    assert_eq!(with_user.map(|(s, u)| (s.id, u.id)), Some((sessions[1].id, ada.id)));
    assert!(revoked && !again && !not_bobs);
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), [sessions[2].id, sessions[0].id]);
    assert_eq!(all_but, 1);
    assert_eq!(left.iter().map(|s| s.id).collect::<Vec<_>>(), [sessions[2].id]);
    assert_eq!(revoked_at, Some(at(7)));
}

fn api_key(user: &User, prefix: &str, minutes: i64) -> ApiKey {
    ApiKey {
        id: ApiKeyId::new(),
        user_id: user.id,
        name: prefix.into(),
        prefix: prefix.into(),
        secret_hash: prefix.as_bytes().to_vec(),
        scopes: Scopes::all(),
        created_at: at(minutes),
        last_used_at: None,
        expires_at: None,
        revoked_at: None,
    }
}

/// Keys: the prefix is unique and finds the key with its owner; listed newest first until
/// revoked; revoked only by their owner; a use is recorded at most once a minute.
pub async fn api_keys_are_found_by_prefix_listed_and_revoked<H: StoreHarness>(store: &H) {
    let (ada, bob) = (user("ada@example.org"), user("bob@example.org"));
    insert(store, vec![ada.clone(), bob.clone()]).await;
    let keys: Vec<ApiKey> = (0..3).map(|i| api_key(&ada, &format!("sb_key{i}"), i)).collect();
    let (k, a, b) = (keys.clone(), ada.clone(), bob.id);
    let result = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                for key in &k {
                    tx.insert_api_key(key).await?;
                }
                let found = tx.api_key_by_prefix("sb_key1").await?;
                let unknown = tx.api_key_by_prefix("sb_nope").await?;
                tx.touch_api_key(k[1].id, at(10)).await?;
                tx.touch_api_key(k[1].id, at(10) + chrono::TimeDelta::seconds(30)).await?;
                let touched = tx.api_key_by_prefix("sb_key1").await?;
                let not_bobs = tx.revoke_api_key(b, k[0].id, at(11)).await?;
                let revoked = tx.revoke_api_key(a.id, k[0].id, at(11)).await?;
                let again = tx.revoke_api_key(a.id, k[0].id, at(11)).await?;
                let listed = tx.list_api_keys(a.id).await?;
                let all = tx.revoke_user_api_keys(a.id, at(12)).await?;
                let left = tx.list_api_keys(a.id).await?;
                Ok::<_, StoreError>((
                    (found, unknown, touched),
                    (not_bobs, revoked, again, listed, all, left),
                ))
            })
        })
        .await
        .unwrap();
    let ((found, unknown, touched), (not_bobs, revoked, again, listed, all, left)) = result;
    let twin = api_key(&ada, "sb_key0", 9);
    let taken = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.insert_api_key(&twin).await }))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(found, Some((keys[1].clone(), ada.clone())));
    assert_eq!(unknown, None);
    assert_eq!(touched.and_then(|(k, _)| k.last_used_at), Some(at(10)), "once a minute");
    assert_eq!(not_bobs, None);
    assert_eq!(revoked.map(|k| (k.id, k.revoked_at)), Some((keys[0].id, Some(at(11)))));
    assert_eq!(again, None);
    assert_eq!(listed.iter().map(|k| k.id).collect::<Vec<_>>(), [keys[2].id, keys[1].id]);
    let mut all: Vec<ApiKeyId> = all.into_iter().map(|k| k.id).collect();
    all.sort_unstable();
    let mut expected = vec![keys[1].id, keys[2].id];
    expected.sort_unstable();
    assert_eq!(all, expected);
    assert!(left.is_empty());
}

/// Hits and peeks in one call count and read like the separate calls, a window ends and
/// starts again, and a cleared bucket is gone.
pub async fn one_statement_hits_and_peeks_like_the_separate_ones<H: StoreHarness>(store: &H) {
    let minute = Duration::from_secs(60);
    let result = store
        .uow()
        .transact(|tx| {
            Box::pin(async move {
                tx.throttle_hit("fail-a", minute, secs(0)).await?;
                tx.throttle_hit("fail-a", minute, secs(1)).await?;
                tx.throttle_hit("old", minute, secs(-120)).await?;
                let first =
                    tx.throttle_hit_and_peek("ip", minute, &["fail-a", "none", "old"], secs(2));
                let (counted, peeks) = first.await?;
                let again =
                    tx.throttle_hit_and_peek("ip", minute, &["old", "fail-a"], secs(3)).await?;
                // The hit bucket among the peeked ones falls back to separate statements.
                let same = tx.throttle_hit_and_peek("ip", minute, &["ip"], secs(4)).await?;
                let renewed = tx.throttle_hit("fail-a", minute, secs(60)).await?;
                tx.throttle_clear("ip").await?;
                let cleared = tx.throttle_peek("ip", secs(5)).await?;
                Ok::<_, StoreError>((counted, peeks, again, same, renewed, cleared))
            })
        })
        .await
        .unwrap();
    let (counted, peeks, again, same, renewed, cleared) = result;
    assert_eq!(counted, ThrottleWindow { hits: 1, resets_at: secs(62) });
    assert_eq!(peeks, vec![Some(ThrottleWindow { hits: 2, resets_at: secs(60) }), None, None]);
    assert_eq!(again.0, ThrottleWindow { hits: 2, resets_at: secs(62) });
    assert_eq!(again.1, vec![None, Some(ThrottleWindow { hits: 2, resets_at: secs(60) })]);
    assert_eq!(same.0.hits, 3);
    assert_eq!(same.1, vec![Some(ThrottleWindow { hits: 3, resets_at: secs(62) })]);
    assert_eq!(renewed, ThrottleWindow { hits: 1, resets_at: secs(120) }, "a new window");
    assert_eq!(cleared, None);
}

fn sealed(owner: &User, key_id: &str, byte: u8) -> SealedSecret {
    SealedSecret {
        id: uuid::Uuid::now_v7(),
        owner_id: Some(owner.id),
        purpose: "chat_token".into(),
        key_id: key_id.into(),
        ciphertext: vec![byte],
    }
}

/// A sealed secret is replaced by id, and those sealed under another key are found.
pub async fn sealed_secrets_are_replaced_and_found_by_key<H: StoreHarness>(store: &H) {
    let ada = user("ada@example.org");
    insert(store, vec![ada.clone()]).await;
    let (old, current) = (sealed(&ada, "k1", 1), sealed(&ada, "k2", 2));
    let (o, c) = (old.clone(), current.clone());
    let (found, rewritten, stale, none) = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.put_sealed(&o).await?;
                tx.put_sealed(&c).await?;
                let found = tx.sealed(o.id).await?;
                let stale = tx.sealed_not_under("k2", 10).await?;
                tx.put_sealed(&SealedSecret { key_id: "k2".into(), ciphertext: vec![3], ..o })
                    .await?;
                let rewritten = tx.sealed(stale[0].id).await?;
                let none = tx.sealed_not_under("k2", 10).await?;
                Ok::<_, StoreError>((found, rewritten, stale, none))
            })
        })
        .await
        .unwrap();
    assert_eq!(found, Some(old.clone()));
    assert_eq!(stale, std::slice::from_ref(&old));
    assert_eq!(rewritten.map(|s| (s.key_id, s.ciphertext)), Some(("k2".into(), vec![3])));
    assert!(none.is_empty());
}

/// An OAuth state is taken once, expired or not; a duplicate is refused; inserting forgets
/// the expired ones.
pub async fn an_oauth_state_is_taken_once_and_expired_ones_are_forgotten<H: StoreHarness>(
    store: &H,
) {
    let ada = user("ada@example.org");
    insert(store, vec![ada.clone()]).await;
    let state = |hash: &[u8], expires: i64| OAuthState {
        state_hash: hash.to_vec(),
        user_id: ada.id,
        binding_hash: [hash, b"-browser"].concat(),
        provider: ChatProvider::Slack,
        redirect_uri: "http://localhost/callback".into(),
        created_at: at(0),
        expires_at: at(expires),
    };
    let (live, old, other) = (state(b"live", 10), state(b"old", 5), state(b"other", 30));
    let (l, o, x) = (live.clone(), old.clone(), other.clone());
    let result = store
        .uow()
        .transact(move |tx| {
            Box::pin(async move {
                tx.insert_oauth_state(&l, at(0)).await?;
                tx.insert_oauth_state(&o, at(0)).await?;
                let taken = tx.take_oauth_state(b"live").await?;
                let twice = tx.take_oauth_state(b"live").await?;
                // At minute 8 `old` has expired: the next insert forgets it.
                tx.insert_oauth_state(&x, at(8)).await?;
                let forgotten = tx.take_oauth_state(b"old").await?;
                tx.insert_oauth_state(&l, at(9)).await?;
                Ok::<_, StoreError>((taken, twice, forgotten))
            })
        })
        .await
        .unwrap();
    let (taken, twice, forgotten) = result;
    let again = live.clone();
    let duplicate = store
        .uow()
        .transact(move |tx| Box::pin(async move { tx.insert_oauth_state(&again, at(9)).await }))
        .await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(_))), "{duplicate:?}");
    assert_eq!(taken, Some(live));
    assert_eq!(twice, None);
    assert_eq!(forgotten, None);
}
