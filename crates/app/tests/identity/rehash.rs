//! A password hashed with older argon2 parameters is re-hashed with the configured ones at
//! the next successful login, and only then.

use switchboard_memory::ManualClock;
use switchboard_services::{AccountService, AuthService, ClientInfo};
use switchboard_test_support::TestDb;

use crate::support::{config, identity};

async fn stored_hash(db: &TestDb) -> String {
    db.client()
        .await
        .query_one("SELECT password_hash FROM users WHERE email = 'old@example.org'", &[])
        .await
        .unwrap()
        .get(0)
}

fn client() -> ClientInfo {
    ClientInfo { ip: "10.0.0.1".into(), user_agent: "test".into() }
}

#[tokio::test]
async fn login_rehashes_a_hash_with_older_parameters() {
    let db = TestDb::migrated().await;
    let clock = ManualClock::default();
    let old = config();
    AccountService::new(identity(&db, &old, &clock))
        .register("old@example.org", "correct horse".into(), "Old", &client())
        .await
        .unwrap();
    let before = stored_hash(&db).await;
    assert!(before.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{before}");

    let mut current = config();
    current.auth.argon2.memory_kib = 2048;
    current.auth.argon2.iterations = 2;
    let auth = AuthService::new(identity(&db, &current, &clock));
    assert!(auth.login("old@example.org", "wrong horse", client()).await.is_err());
    assert_eq!(stored_hash(&db).await, before, "a failed login changes nothing");

    auth.login("old@example.org", "correct horse", client()).await.unwrap();
    let after = stored_hash(&db).await;
    assert!(after.starts_with("$argon2id$v=19$m=2048,t=2,p=1$"), "{after}");

    auth.login("old@example.org", "correct horse", client()).await.unwrap();
    assert_eq!(stored_hash(&db).await, after, "current parameters: no new hash");
    let row = db
        .client()
        .await
        .query_one("SELECT display_name, role, disabled FROM users", &[])
        .await
        .unwrap();
    let (name, role, disabled): (String, String, bool) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((name.as_str(), role.as_str(), disabled), ("Old", "member", false));
}
