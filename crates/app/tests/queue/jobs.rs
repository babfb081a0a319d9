//! The queue's rules, driven through its port step by step.

use std::time::Duration;

use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, JobQueue, RecurringJob, WorkWakeups};
use switchboard_postgres::PgJobQueue;
use switchboard_test_support::TestDb;

use crate::support::{count, enqueue, job, queue, scalar, sql};

const LEASE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn higher_priority_runs_first_and_a_claim_is_exclusive() {
    let db = TestDb::migrated().await;
    let (uow, q) = queue(&db);
    let low = enqueue(&uow, job("t", serde_json::json!(1))).await.unwrap();
    let high =
        enqueue(&uow, switchboard_ports::NewJob { priority: 5, ..job("t", serde_json::json!(2)) })
            .await
            .unwrap();
    let first = q.claim("a", 1, LEASE).await.unwrap();
    assert_eq!(first[0].id, high);
    assert_eq!(first[0].attempt, 1);
    let second = q.claim("b", 5, LEASE).await.unwrap();
    assert_eq!(second.iter().map(|j| j.id).collect::<Vec<_>>(), [low]);
    assert!(q.claim("c", 5, LEASE).await.unwrap().is_empty());
    assert!(!q.complete("b", high).await.unwrap(), "b does not hold a's job");
    assert!(q.complete("a", high).await.unwrap());
    assert_eq!(count(&q, JobState::Running).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_waits_its_backoff_then_the_last_one_is_dead() {
    let db = TestDb::migrated().await;
    let (uow, q) = queue(&db);
    let id = enqueue(&uow, job("t", serde_json::json!({}))).await.unwrap();
    for attempt in 1..=3 {
        let claimed = q.claim("w", 1, LEASE).await.unwrap();
        assert_eq!(claimed[0].attempt, attempt);
        let state =
            q.fail("w", id, &format!("boom {attempt}"), Duration::from_secs(3600)).await.unwrap();
        if attempt < 3 {
            assert_eq!(state, Some(JobState::Failed));
            assert!(q.claim("w", 1, LEASE).await.unwrap().is_empty(), "not before its backoff");
            // Time passes.
            sql(&db, "UPDATE jobs SET run_at = now() - interval '1 second'").await;
        } else {
            assert_eq!(state, Some(JobState::Dead));
        }
    }
    let dead = q.list(Some(JobState::Dead), None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("boom 3"));
    assert_eq!(dead[0].attempts, 3);
    assert!(q.claim("w", 1, LEASE).await.unwrap().is_empty(), "the dead stay dead");

    assert!(q.retry(id).await.unwrap());
    let again = q.claim("w", 1, LEASE).await.unwrap();
    assert_eq!(again[0].attempt, 1, "a retried job has fresh attempts");
    assert!(!q.delete(id).await.unwrap(), "a running job cannot be deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dedupe_key_keeps_one_pending_job() {
    let db = TestDb::migrated().await;
    let (uow, q) = queue(&db);
    let keyed = || switchboard_ports::NewJob {
        dedupe_key: Some("account-1".into()),
        ..job("sync", serde_json::json!({}))
    };
    let first = enqueue(&uow, keyed()).await;
    assert!(first.is_some());
    assert_eq!(enqueue(&uow, keyed()).await, None, "a pending duplicate is not enqueued");
    assert!(
        enqueue(
            &uow,
            switchboard_ports::NewJob { dedupe_key: Some("account-2".into()), ..keyed() }
        )
        .await
        .is_some()
    );

    // Once running, the next sync of that account may be queued…
    let claimed = q.claim("w", 1, LEASE).await.unwrap();
    assert_eq!(claimed[0].id, first.unwrap());
    let next = enqueue(&uow, keyed()).await;
    assert!(next.is_some());
    // …and if the running one fails, the newer pending one does the work: no second pending.
    assert_eq!(q.fail("w", claimed[0].id, "boom", Duration::ZERO).await.unwrap(), None);
    assert_eq!(scalar(&db, "SELECT count(*) FROM jobs WHERE dedupe_key = 'account-1'").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_lease_gives_the_job_to_another_worker() {
    let db = TestDb::migrated().await;
    let (uow, q) = queue(&db);
    let id = enqueue(&uow, job("t", serde_json::json!({}))).await.unwrap();
    assert_eq!(q.claim("dead-worker", 1, LEASE).await.unwrap().len(), 1);
    assert_eq!(q.reap_expired().await.unwrap(), 0, "a live lease is left alone");
    q.renew("dead-worker", &[id], LEASE).await.unwrap();
    // The worker stops renewing; its lease runs out.
    sql(&db, "UPDATE jobs SET lease_until = now() - interval '1 second'").await;
    assert_eq!(q.reap_expired().await.unwrap(), 1);
    let failed = q.list(Some(JobState::Failed), None, 10).await.unwrap();
    assert!(failed[0].last_error.as_deref().unwrap().contains("dead-worker"));
    let claimed = q.claim("live-worker", 1, LEASE).await.unwrap();
    assert_eq!((claimed[0].id, claimed[0].attempt), (id, 2));
    assert!(!q.complete("dead-worker", id).await.unwrap(), "the old worker lost it");
    assert!(q.complete("live-worker", id).await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_released_job_runs_again_without_losing_an_attempt() {
    let db = TestDb::migrated().await;
    let (uow, q) = queue(&db);
    let id = enqueue(&uow, job("t", serde_json::json!({}))).await.unwrap();
    q.claim("w", 1, LEASE).await.unwrap();
    q.release("w", id).await.unwrap();
    let queued = q.list(Some(JobState::Queued), None, 10).await.unwrap();
    assert_eq!((queued[0].id, queued[0].attempts), (id, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_recurring_occurrence_is_enqueued_once_whatever_the_workers() {
    let db = TestDb::migrated().await;
    let (_, q) = queue(&db);
    let schedule = RecurringJob {
        name: "nightly".into(),
        job_type: "system.noop".into(),
        payload: serde_json::json!({}),
        interval: Duration::from_secs(60),
    };
    q.schedule(schedule.clone()).await.unwrap();
    q.schedule(schedule).await.unwrap();
    // Two workers (more, in fact) look for due occurrences at the same moment.
    let workers: Vec<_> = (0..4).map(|_| q.clone()).collect();
    let enqueued: u64 = futures_util::future::join_all(workers.iter().map(|w| w.enqueue_due()))
        .await
        .into_iter()
        .map(Result::unwrap)
        .sum();
    assert_eq!(enqueued, 1);
    assert_eq!(q.enqueue_due().await.unwrap(), 0, "the next occurrence is not due yet");

    // Three and a half intervals pass while every worker is down: one catch-up run, not four.
    sql(&db, "UPDATE recurring_jobs SET next_run_at = now() - interval '210 seconds'").await;
    assert_eq!(q.enqueue_due().await.unwrap(), 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM jobs").await, 2);
    assert_eq!(
        scalar(&db, "SELECT count(*) FROM recurring_jobs WHERE next_run_at > now()").await,
        1,
        "the schedule moved past now"
    );
}

/// Waits on `wakeups` for as long as a worker would at most, failing only if nothing wakes it
/// within a minute (the wake-ups below come within milliseconds).
async fn woken(wakeups: &mut impl WorkWakeups) {
    let wait = wakeups.wait(Duration::from_secs(24 * 3600));
    assert!(tokio::time::timeout(Duration::from_secs(60), wait).await.is_ok(), "not woken");
}

#[tokio::test(flavor = "multi_thread")]
async fn each_worker_loop_has_its_own_wakeups_and_every_one_sees_an_enqueue() {
    let db = TestDb::migrated().await;
    let (uow, _) = queue(&db);
    let (q, listener) = PgJobQueue::new(db.pool(), db.url());
    let (mut first, mut second) = (q.wakeups(), q.wakeups());
    tokio::spawn(listener.run());
    // Once listening, the listener wakes every loop to look (it may have missed notifications).
    woken(&mut first).await;
    woken(&mut second).await;
    enqueue(&uow, job("t", serde_json::json!({}))).await.unwrap();
    // One notification wakes both loops: neither took it from the other.
    woken(&mut first).await;
    woken(&mut second).await;
}
