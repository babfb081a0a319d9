//! The identity statements that save round trips at login, against a real PostgreSQL.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use switchboard_domain::UserId;
use switchboard_domain::identity::{EmailAddress, Role, Session, SessionId, User};
use switchboard_ports::{
    RefreshTokenState, Rotation, SessionStore, StoreError, ThrottleStore, ThrottleWindow,
    UnitOfWork, UserStore,
};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().expect("a valid time")
}

#[tokio::test(flavor = "multi_thread")]
async fn one_statement_hits_and_peeks_like_the_separate_ones() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(db.pool());
    let minute = Duration::from_secs(60);
    let result = uow
        .transact(|tx| {
            Box::pin(async move {
                tx.throttle_hit("fail-a", minute, at(0)).await?;
                tx.throttle_hit("fail-a", minute, at(1)).await?;
                tx.throttle_hit("old", minute, at(-120)).await?;
                let first =
                    tx.throttle_hit_and_peek("ip", minute, &["fail-a", "none", "old"], at(2));
                let (counted, peeks) = first.await?;
                let again =
                    tx.throttle_hit_and_peek("ip", minute, &["old", "fail-a"], at(3)).await?;
                // The hit bucket among the peeked ones falls back to separate statements.
                let same = tx.throttle_hit_and_peek("ip", minute, &["ip"], at(4)).await?;
                Ok::<_, StoreError>((counted, peeks, again, same))
            })
        })
        .await
        .unwrap();
    let (counted, peeks, again, same) = result;
    assert_eq!(counted, ThrottleWindow { hits: 1, resets_at: at(62) });
    assert_eq!(peeks, vec![Some(ThrottleWindow { hits: 2, resets_at: at(60) }), None, None]);
    assert_eq!(again.0, ThrottleWindow { hits: 2, resets_at: at(62) });
    assert_eq!(again.1, vec![None, Some(ThrottleWindow { hits: 2, resets_at: at(60) })]);
    assert_eq!(same.0.hits, 3);
    assert_eq!(same.1, vec![Some(ThrottleWindow { hits: 3, resets_at: at(62) })]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_and_its_first_refresh_token_are_inserted_together() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(db.pool());
    let user = User {
        id: UserId::new(),
        email: EmailAddress::parse("store@example.org").unwrap(),
        display_name: String::new(),
        role: Role::Member,
        disabled: false,
        password_hash: "$argon2id$x".into(),
        created_at: at(0),
    };
    let session = Session {
        id: SessionId::new(),
        user_id: user.id,
        user_agent: "agent".into(),
        ip: "192.0.2.1".into(),
        created_at: at(0),
        last_used_at: at(0),
        expires_at: at(3600),
        revoked_at: None,
    };
    let rotation = Rotation {
        at: at(60),
        successor_hash: b"hash-of-the-next".to_vec(),
        successor_masked: b"masked-next".to_vec(),
        successor_used: false,
    };
    let (found, rotated, next, after) = uow
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
    let used = Session { last_used_at: at(60), ..session };
    assert_eq!(rotated, Some((used.clone(), RefreshTokenState::Used(Some(rotation.clone())))));
    assert_eq!(next, Some((used, RefreshTokenState::Unused)));
    let successor_used = Rotation { successor_used: true, ..rotation };
    assert_eq!(after.map(|(_, state)| state), Some(RefreshTokenState::Used(Some(successor_used))));
}
