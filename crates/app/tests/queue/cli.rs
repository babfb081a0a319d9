//! `switchboard jobs`: the queue at an operator's terminal.

use std::time::Duration;

use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, JobQueue};
use switchboard_test_support::TestDb;

use crate::support::{count, queue};

async fn jobs_cli(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("jobs")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SWITCHBOARD_PROFILE", "test")
        .env("DATABASE_URL", db.url())
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_enqueues_lists_retries_and_deletes_jobs() {
    let db = TestDb::migrated().await;
    let (_, q) = queue(&db);

    let (ok, out, _) = jobs_cli(
        &db,
        &[
            "enqueue",
            "--type",
            "system.sleep",
            "--payload",
            r#"{"millis": 1}"#,
            "--max-attempts",
            "1",
        ],
    )
    .await;
    assert!(ok, "{out}");
    assert!(out.contains("enqueued job"), "{out}");
    let (ok, _, err) = jobs_cli(&db, &["enqueue", "--type", "no.such.type"]).await;
    assert!(!ok && err.contains("no worker knows"), "{err}");
    let (ok, _, err) =
        jobs_cli(&db, &["enqueue", "--type", "system.noop", "--payload", "{not json"]).await;
    assert!(!ok && err.contains("not JSON"), "{err}");

    // The job fails its only attempt and is dead.
    let claimed = q.claim("w", 1, Duration::from_secs(60)).await.unwrap();
    q.fail("w", claimed[0].id, "provider down", Duration::ZERO).await.unwrap();
    let (ok, out, _) = jobs_cli(&db, &["counts"]).await;
    assert!(ok);
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["dead", "1"]),
        "{out}"
    );
    let (_, out, _) = jobs_cli(&db, &["list", "--state", "dead"]).await;
    assert!(out.contains("system.sleep") && out.contains("provider down"), "{out}");
    let (ok, _, err) = jobs_cli(&db, &["list", "--state", "zombie"]).await;
    assert!(!ok && err.contains("zombie"), "{err}");

    let id = claimed[0].id.to_string();
    let (ok, out, _) = jobs_cli(&db, &["retry", &id]).await;
    assert!(ok, "{out}");
    assert_eq!(count(&q, JobState::Queued).await, 1);
    let (ok, _, err) = jobs_cli(&db, &["retry", &id]).await;
    assert!(!ok && err.contains("not failed or dead"), "a queued job cannot be retried: {err}");

    let (ok, _, _) = jobs_cli(&db, &["delete", &id]).await;
    assert!(ok);
    assert!(q.list(None, None, 10).await.unwrap().is_empty());
    let (ok, _, err) = jobs_cli(&db, &["delete", &id]).await;
    assert!(!ok && err.contains("does not exist"), "{err}");
}
