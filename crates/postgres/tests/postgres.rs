//! The PostgreSQL adapter against a real server, a database per test.

#![expect(clippy::unwrap_used, reason = "tests")]

use switchboard_domain::CheckOutcome;
use switchboard_ports::ReadinessProbe;
use switchboard_postgres::{PgReadiness, migrations};
use switchboard_test_support::TestDb;

/// A description of every user object in the database, to compare schemas.
async fn schema(db: &TestDb) -> Vec<String> {
    let client = db.client().await;
    let rows = client
        .query(
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
               FROM information_schema.columns WHERE table_schema = 'public'
             UNION ALL
             SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
             UNION ALL
             SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid)
               FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
              WHERE n.nspname = 'public'
             UNION ALL
             SELECT 'function ' || p.proname || ' ' || md5(p.prosrc)
               FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
             UNION ALL
             SELECT 'trigger ' || tgname || ' on ' || tgrelid::regclass::text
               FROM pg_trigger WHERE NOT tgisinternal
             UNION ALL
             SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c')
                AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)
             ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    rows.iter().map(|r| r.get::<_, String>(0)).collect()
}

fn without_migration_table(schema: &[String]) -> Vec<String> {
    schema.iter().filter(|s| !s.contains("__diesel_schema_migrations")).cloned().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_migration_runs_up_down_and_up_again_to_the_same_schema() {
    let db = TestDb::empty().await;
    let embedded = migrations::embedded_versions().unwrap();
    assert!(!embedded.is_empty());

    let applied = migrations::run_pending(db.url()).await.unwrap();
    assert_eq!(applied, embedded);
    let first = schema(&db).await;
    assert!(
        first.iter().any(|s| s.starts_with("function switchboard_set_updated_at")),
        "{first:?}"
    );

    let reverted = migrations::revert_all(db.url()).await.unwrap();
    assert_eq!(reverted.len(), embedded.len());
    assert_eq!(
        without_migration_table(&schema(&db).await),
        Vec::<String>::new(),
        "down leaves nothing"
    );

    migrations::run_pending(db.url()).await.unwrap();
    assert_eq!(schema(&db).await, first);
    assert!(migrations::run_pending(db.url()).await.unwrap().is_empty(), "nothing left to apply");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_migrated_database_is_ready() {
    let db = TestDb::migrated().await;
    let checks = PgReadiness::new(db.pool()).check().await;
    assert!(checks.iter().all(|c| c.is_ok()), "{checks:?}");
    assert_eq!(checks.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_migrations_make_the_database_not_ready() {
    let db = TestDb::empty().await;
    let pool = db.pool();
    assert_eq!(migrations::pending(&pool).await.unwrap(), migrations::embedded_versions().unwrap());
    let checks = PgReadiness::new(pool).check().await;
    let migrations_check = checks.iter().find(|c| c.name == "migrations").unwrap();
    assert!(
        matches!(&migrations_check.outcome, CheckOutcome::Failing(why) if why.contains("pending"))
    );
    assert!(checks.iter().find(|c| c.name == "database").unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_database_is_not_ready_and_its_password_is_not_shown() {
    // Port 1 on loopback refuses connections at once.
    let pool = switchboard_postgres::connect("postgres://app:hunter2@127.0.0.1:1/x", 1).unwrap();
    let checks = PgReadiness::new(pool).check().await;
    assert!(checks.iter().all(|c| !c.is_ok()), "{checks:?}");
    assert!(!format!("{checks:?}").contains("hunter2"));
}
