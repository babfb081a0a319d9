//! The job queue: enqueued in transactions, claimed by priority under leases, failed with a
//! backoff into the dead letter, released, reaped, recurring schedules, operators' retries.

use std::time::Duration;

use switchboard_domain::JobState;
use switchboard_ports::{
    JobAdmin, JobQueue, NewJob, RecurringJob, StoreError, Transaction, UnitOfWork,
};

use super::StoreHarness;

const LEASE: Duration = Duration::from_secs(60);

/// A job of `job_type` with `payload`: priority 0, three attempts, no dedupe key, due now.
pub fn job(job_type: &str, payload: serde_json::Value) -> NewJob {
    NewJob {
        job_type: job_type.to_owned(),
        payload,
        priority: 0,
        max_attempts: 3,
        dedupe_key: None,
        run_at: None,
    }
}

fn keyed(key: &str) -> NewJob {
    NewJob { dedupe_key: Some(key.into()), ..job("sync", serde_json::json!({})) }
}

async fn enqueue<H: StoreHarness>(store: &H, job: NewJob) -> Option<i64> {
    store.uow().transact(move |tx| Box::pin(async move { tx.enqueue(job).await })).await.unwrap()
}

async fn count<Q: JobAdmin>(queue: &Q, state: JobState) -> u64 {
    queue.counts().await.unwrap().into_iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| n)
}

/// The highest priority is claimed first, with its first attempt; a claimed job is nobody
/// else's.
pub async fn higher_priority_runs_first_and_a_claim_is_exclusive<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let low = enqueue(store, job("t", serde_json::json!(1))).await.unwrap();
    let high = enqueue(store, NewJob { priority: 5, ..job("t", serde_json::json!(2)) }).await;
    let high = high.unwrap();
    let first = q.claim("a", 1, LEASE).await.unwrap();
    assert_eq!(first[0].id, high);
    assert_eq!((first[0].attempt, first[0].max_attempts), (1, 3));
    assert_eq!(first[0].payload, serde_json::json!(2));
    let second = q.claim("b", 5, LEASE).await.unwrap();
    assert_eq!(second.iter().map(|j| j.id).collect::<Vec<_>>(), [low]);
    assert!(q.claim("c", 5, LEASE).await.unwrap().is_empty());
    assert!(!q.complete("b", high).await.unwrap(), "b does not hold a's job");
    assert!(q.complete("a", high).await.unwrap());
    assert_eq!(count(&q, JobState::Running).await, 1);
    let running = q.list(Some(JobState::Running), None, 10).await.unwrap();
    assert_eq!(running[0].locked_by.as_deref(), Some("b"));
}

/// A failed job waits the delay it was given, then runs again; its last failure makes it
/// dead, with its error, until an operator retries it with fresh attempts.
pub async fn a_failure_waits_its_backoff_then_the_last_one_is_dead<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let id = enqueue(store, job("t", serde_json::json!({}))).await.unwrap();
    for attempt in 1..=3 {
        let claimed = q.claim("w", 1, LEASE).await.unwrap();
        assert_eq!(claimed[0].attempt, attempt);
        let state =
            q.fail("w", id, &format!("boom {attempt}"), Duration::from_secs(3600)).await.unwrap();
        if attempt < 3 {
            assert_eq!(state, Some(JobState::Failed));
            assert!(q.claim("w", 1, LEASE).await.unwrap().is_empty(), "not before its backoff");
            store.time_passes(Duration::from_secs(3601)).await;
        } else {
            assert_eq!(state, Some(JobState::Dead));
        }
    }
    assert_eq!(q.fail("w", id, "not mine any more", Duration::ZERO).await.unwrap(), None);
    let dead = q.list(Some(JobState::Dead), None, 10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("boom 3"));
    assert_eq!(dead[0].attempts, 3);
    assert!(q.claim("w", 1, LEASE).await.unwrap().is_empty(), "the dead stay dead");

    assert!(q.retry(id).await.unwrap());
    assert!(!q.retry(id).await.unwrap(), "a queued job is not retried");
    let again = q.claim("w", 1, LEASE).await.unwrap();
    assert_eq!(again[0].attempt, 1, "a retried job has fresh attempts");
    assert!(!q.delete(id).await.unwrap(), "a running job cannot be deleted");
    assert!(q.fail("w", id, "boom", Duration::ZERO).await.unwrap().is_some());
    assert!(q.delete(id).await.unwrap());
    assert!(!q.retry(id).await.unwrap(), "no such job");
}

/// One pending job per type and dedupe key; once the first runs, the next may be queued, and
/// if the running one then fails, the pending one does the work.
pub async fn a_dedupe_key_keeps_one_pending_job<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let first = enqueue(store, keyed("account-1")).await;
    assert!(first.is_some());
    assert_eq!(enqueue(store, keyed("account-1")).await, None, "a pending duplicate");
    assert!(enqueue(store, keyed("account-2")).await.is_some());
    let other_type = NewJob { job_type: "other".into(), ..keyed("account-1") };
    assert!(enqueue(store, other_type).await.is_some(), "the key is per job type");

    // Once running, the next sync of that account may be queued…
    let claimed = q.claim("w", 1, LEASE).await.unwrap();
    assert_eq!(claimed[0].id, first.unwrap());
    let next = enqueue(store, keyed("account-1")).await;
    assert!(next.is_some());
    // …and if the running one fails, the newer pending one does the work: no second pending.
    assert_eq!(q.fail("w", claimed[0].id, "boom", Duration::ZERO).await.unwrap(), None);
    let left: Vec<i64> = q
        .list(None, None, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.job_type == "sync" && j.dedupe_key.as_deref() == Some("account-1"))
        .map(|j| j.id)
        .collect();
    assert_eq!(left, [next.unwrap()]);
}

/// A duplicate due earlier brings the pending job forward (one job still); a later one
/// changes nothing.
pub async fn an_earlier_duplicate_brings_the_pending_job_forward<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let later = chrono::DateTime::parse_from_rfc3339("2100-01-01T00:00:00Z").unwrap().to_utc();
    let id = enqueue(store, NewJob { run_at: Some(later), ..keyed("hook") }).await.unwrap();
    let even_later = NewJob { run_at: Some(later + chrono::TimeDelta::days(1)), ..keyed("hook") };
    assert_eq!(enqueue(store, even_later).await, None, "a later duplicate changes nothing");
    assert!(q.claim("w", 1, LEASE).await.unwrap().is_empty(), "not due before 2100");
    assert_eq!(enqueue(store, keyed("hook")).await, Some(id), "brought forward to now");
    let claimed = q.claim("w", 1, LEASE).await.unwrap();
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [id]);
}

/// A lease that runs out gives the job back, its worker named in the error, to the next
/// worker; the first worker can no longer complete it.
pub async fn an_expired_lease_gives_the_job_to_another_worker<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let id = enqueue(store, job("t", serde_json::json!({}))).await.unwrap();
    assert_eq!(q.claim("dead-worker", 1, LEASE).await.unwrap().len(), 1);
    assert_eq!(q.reap_expired().await.unwrap(), 0, "a live lease is left alone");
    q.renew("dead-worker", &[id], LEASE).await.unwrap();
    store.time_passes(LEASE / 2).await;
    q.renew("dead-worker", &[id], LEASE).await.unwrap();
    store.time_passes(LEASE / 2).await;
    assert_eq!(q.reap_expired().await.unwrap(), 0, "a renewed lease is left alone");
    // The worker stops renewing; its lease runs out.
    store.time_passes(LEASE).await;
    assert_eq!(q.reap_expired().await.unwrap(), 1);
    let failed = q.list(Some(JobState::Failed), None, 10).await.unwrap();
    assert!(failed[0].last_error.as_deref().unwrap().contains("dead-worker"));
    let claimed = q.claim("live-worker", 1, LEASE).await.unwrap();
    assert_eq!((claimed[0].id, claimed[0].attempt), (id, 2));
    assert!(!q.complete("dead-worker", id).await.unwrap(), "the old worker lost it");
    assert!(q.complete("live-worker", id).await.unwrap());
    assert_eq!(q.counts().await.unwrap().into_iter().map(|(_, n)| n).sum::<u64>(), 0);
}

/// A released job is queued again at once, its attempt not counted.
pub async fn a_released_job_runs_again_without_losing_an_attempt<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let id = enqueue(store, job("t", serde_json::json!({}))).await.unwrap();
    q.claim("w", 1, LEASE).await.unwrap();
    q.release("other", id).await.unwrap();
    assert_eq!(count(&q, JobState::Running).await, 1, "only its worker releases it");
    q.release("w", id).await.unwrap();
    let queued = q.list(Some(JobState::Queued), None, 10).await.unwrap();
    assert_eq!((queued[0].id, queued[0].attempts), (id, 0));
    assert_eq!(q.claim("w", 1, LEASE).await.unwrap()[0].attempt, 1);
}

/// A batch completes the jobs the worker still holds, and only those.
pub async fn completing_a_batch_removes_only_the_jobs_still_held<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(enqueue(store, job("t", serde_json::json!(i))).await.unwrap());
    }
    let mine: Vec<i64> = q.claim("w", 2, LEASE).await.unwrap().into_iter().map(|j| j.id).collect();
    let theirs = q.claim("v", 1, LEASE).await.unwrap()[0].id;
    let mut done = q.complete_batch("w", &[mine[0], mine[1], theirs, 999_999]).await.unwrap();
    done.sort_unstable();
    assert_eq!(done, mine);
    let left = q.list(None, None, 10).await.unwrap();
    assert_eq!(left.iter().map(|j| j.id).collect::<Vec<_>>(), [theirs]);
    assert!(q.list(None, Some(theirs), 10).await.unwrap().is_empty(), "after an id");
}

/// Each occurrence of a schedule is enqueued once whatever the workers; missed ones collapse
/// into one catch-up run; rescheduling keeps the next occurrence.
pub async fn each_recurring_occurrence_is_enqueued_once_whatever_the_workers<H: StoreHarness>(
    store: &H,
) {
    let q = store.jobs();
    let schedule = RecurringJob {
        name: "nightly".into(),
        job_type: "system.noop".into(),
        payload: serde_json::json!({"n": 1}),
        interval: Duration::from_secs(60),
    };
    q.schedule(schedule.clone()).await.unwrap();
    q.schedule(schedule.clone()).await.unwrap();
    // Several workers look for due occurrences at the same moment.
    let workers: Vec<_> = (0..4).map(|_| store.jobs()).collect();
    let mut enqueued = 0;
    let mut tasks = tokio::task::JoinSet::new();
    for worker in workers {
        tasks.spawn(async move { worker.enqueue_due().await });
    }
    while let Some(done) = tasks.join_next().await {
        enqueued += done.unwrap().unwrap();
    }
    assert_eq!(enqueued, 1);
    assert_eq!(q.enqueue_due().await.unwrap(), 0, "the next occurrence is not due yet");
    q.schedule(schedule).await.unwrap();
    assert_eq!(q.enqueue_due().await.unwrap(), 0, "rescheduling keeps the next occurrence");

    // Three and a half intervals pass while every worker is down: one catch-up run, not four.
    store.time_passes(Duration::from_secs(270)).await;
    assert_eq!(q.enqueue_due().await.unwrap(), 1);
    assert_eq!(q.enqueue_due().await.unwrap(), 0, "the schedule moved past now");
    let jobs = q.list(None, None, 10).await.unwrap();
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|j| j.job_type == "system.noop" && j.payload["n"] == 1));
    assert_ne!(jobs[0].dedupe_key, jobs[1].dedupe_key, "each occurrence its own key");
}

/// An operator's retry of a dead job is refused while a pending job has its dedupe key.
pub async fn retrying_a_job_keeps_one_pending_per_dedupe_key<H: StoreHarness>(store: &H) {
    let q = store.jobs();
    let id = enqueue(store, NewJob { max_attempts: 1, ..keyed("account-1") }).await.unwrap();
    q.claim("w", 1, LEASE).await.unwrap();
    assert_eq!(q.fail("w", id, "boom", Duration::ZERO).await.unwrap(), Some(JobState::Dead));
    let pending = enqueue(store, keyed("account-1")).await.unwrap();
    assert!(matches!(q.retry(id).await, Err(StoreError::Conflict(_))));
    assert!(q.delete(pending).await.unwrap());
    assert!(q.retry(id).await.unwrap());
    assert_eq!(count(&q, JobState::Queued).await, 1);
}
