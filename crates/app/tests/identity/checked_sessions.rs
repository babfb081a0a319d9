//! Sessions a server keeps between requests, forgotten when PostgreSQL reports a change.

use actix_web::test::TestRequest;
use switchboard_domain::UserId;
use switchboard_ports::{IdentityChange, SessionStore, UnitOfWork};
use switchboard_services::{CheckedSessions, StreamHub};
use switchboard_test_support::TestDb;
use tokio::sync::mpsc;

use crate::seed::{login, member};
use crate::stats::half_past;
use crate::support::{call, config, instance_keeping};

fn me(token: &str) -> TestRequest {
    TestRequest::get().uri("/api/me").insert_header(("Authorization", format!("Bearer {token}")))
}

/// Runs `sql` with the triggers off: a change no server is told of.
async fn behind_the_triggers(db: &TestDb, sql: &str) {
    let sql =
        format!("SET session_replication_role = replica; {sql}; RESET session_replication_role");
    db.client().await.batch_execute(&sql).await.unwrap();
}

async fn newest_session(db: &TestDb, user: UserId) -> uuid::Uuid {
    let sql = format!(
        "SELECT id::text FROM sessions WHERE user_id = '{user}' ORDER BY created_at DESC LIMIT 1"
    );
    let id: String = db.client().await.query_one(&sql, &[]).await.unwrap().get(0);
    id.parse().unwrap()
}

/// Waits for the feed to report `wanted` (a guard of a minute against a hang, not a timing).
async fn heard(reports: &mut mpsc::UnboundedReceiver<IdentityChange>, wanted: IdentityChange) {
    let wait = async {
        while let Some(report) = reports.recv().await {
            if report == wanted {
                return;
            }
        }
        panic!("the feed stopped before reporting {wanted:?}");
    };
    let guard = std::time::Duration::from_secs(60);
    tokio::time::timeout(guard, wait).await.unwrap_or_else(|_| panic!("no {wanted:?}"));
}

#[actix_web::test]
async fn a_kept_session_is_used_only_while_postgres_reports_every_change() {
    let db = TestDb::migrated().await;
    let clock = switchboard_memory::ManualClock::new(half_past());
    let config = config();
    let sessions = CheckedSessions::default();
    let hub = StreamHub::new(config.stream.channel_capacity);
    let app = instance_keeping(&db, &config, &clock, hub, sessions.clone()).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let sid = newest_session(&db, ada).await;
    let revoke = format!("UPDATE sessions SET revoked_at = now() WHERE id = '{sid}'");
    let restore = format!("UPDATE sessions SET revoked_at = NULL WHERE id = '{sid}'");

    // No feed yet: every request reads its session, so even an unreported change applies.
    assert_eq!(call(&app, me(&token)).await.0, 200);
    behind_the_triggers(&db, &revoke).await;
    assert_eq!(call(&app, me(&token)).await.0, 401, "read, not kept");
    behind_the_triggers(&db, &restore).await;

    let (tx, mut reports) = mpsc::unbounded_channel();
    let fed = sessions.clone();
    let feed = tokio::spawn(switchboard_postgres::watch_identity(db.url().to_owned(), move |c| {
        fed.apply(c);
        let _ = tx.send(c);
    }));
    heard(&mut reports, IdentityChange::Listening).await;

    // Listening: the session is kept once read, so a change no one reports goes unseen...
    assert_eq!(call(&app, me(&token)).await.0, 200);
    behind_the_triggers(&db, &revoke).await;
    assert_eq!(call(&app, me(&token)).await.0, 200, "kept");
    // ...and a reported one is not: revoked as another server would, through the store.
    behind_the_triggers(&db, &restore).await;
    let uow = switchboard_postgres::PgUnitOfWork::new(db.pool());
    let session = switchboard_domain::identity::SessionId::from_uuid(sid);
    let now = half_past();
    let ended = uow
        .transact(move |tx| Box::pin(async move { tx.revoke_session(ada, session, now).await }))
        .await
        .unwrap();
    assert!(ended);
    heard(&mut reports, IdentityChange::Session(session)).await;
    assert_eq!(call(&app, me(&token)).await.0, 401);

    // A change to the user forgets every session of theirs.
    let second = login(&app, "ada@example.org").await;
    assert_eq!(call(&app, me(&second)).await.0, 200);
    let disable = format!("UPDATE users SET disabled = true WHERE id = '{}'", ada.as_uuid());
    db.client().await.batch_execute(&disable).await.unwrap();
    heard(&mut reports, IdentityChange::User(ada)).await;
    assert_eq!(call(&app, me(&second)).await.0, 401, "disabled");

    // The feed's connection lost: sessions are read again until it listens anew.
    let (grace, third) = member(&app, "grace@example.org").await;
    assert_eq!(call(&app, me(&third)).await.0, 200);
    let kill = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                WHERE query = 'LISTEN switchboard_identity' AND datname = current_database()";
    db.client().await.batch_execute(kill).await.unwrap();
    heard(&mut reports, IdentityChange::Lost).await;
    let grace_sid = newest_session(&db, grace).await;
    let revoke = format!("UPDATE sessions SET revoked_at = now() WHERE id = '{grace_sid}'");
    behind_the_triggers(&db, &revoke).await;
    assert_eq!(call(&app, me(&third)).await.0, 401, "not kept while nothing is heard");
    feed.abort();
}
