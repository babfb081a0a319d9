//! A rate limit in the middle of a sync: the attempt fails with the provider's `Retry-After`
//! for the queue, keeps what it stored, and the next attempt resumes where it stopped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_domain::chat_sources::{BackfillCheckpoint, SourceId, SourceStatus};
use switchboard_domain::{Backoff, JobState};
use switchboard_ports::{ClaimedJob, JobQueue, RecurringJob, StoreError, WorkWakeups};
use switchboard_sandbox::{MATTERMOST_TOKEN, Provider, SLACK_TOKEN};
use switchboard_services::chat::ChatSyncJob;
use switchboard_services::jobs::{JobRegistry, Worker, WorkerConfig};
use tokio::sync::{mpsc, watch};

use crate::support::{Ports, World, start, start_with_policy, user};

/// One channel at a time: the request that hits the limit, and so where each channel
/// stands then, is the same at every run.
fn sequential() -> World {
    start_with_policy(|policy| policy.channel_concurrency = 1)
}

/// API requests a first sync of `provider`'s sandbox takes, from a fresh world.
async fn full_sync_requests(provider: Provider) -> u64 {
    let world = sequential();
    let source = world.connect(&user(), provider).await;
    let before = world.sandbox.requests(provider);
    world.chat.sync(source.id).await.unwrap();
    world.sandbox.requests(provider) - before
}

fn registry() -> JobRegistry<switchboard_services::ChatService<Ports>> {
    JobRegistry::new().register::<ChatSyncJob<Ports>>()
}

/// A first sync through the job, cut short by a 429 (`Retry-After: 30`, longer than the
/// adapter waits) in the middle of a channel's backfill, after its first page: the world and
/// the source. Which request falls mid-backfill depends on the data: the limit is tried at
/// later and later requests until one does.
async fn cut_short_mid_backfill(
    provider: Provider,
    token: &str,
    full: u64,
) -> (World, switchboard_domain::chat_sources::Source) {
    for percent in (50..100).step_by(5) {
        let world = sequential();
        let source = world.connect(&user(), provider).await;
        let payload = serde_json::json!({ "source_id": source.id });
        let after = u32::try_from(full * percent / 100).unwrap();
        world.sandbox.throttle_token_after(token, after, 1, Duration::from_secs(30));
        let error = registry().run("chat.sync", payload, world.chat.clone()).await.unwrap_err();
        // What the worker schedules the next attempt by.
        assert_eq!(error.wait(), Some(Duration::from_secs(30)), "{provider:?}: {error}");
        if !world.state().await.chat.checkpoints.is_empty() {
            return (world, source);
        }
    }
    panic!("{provider:?}: no request falls in the middle of a backfill")
}

#[tokio::test]
async fn a_backfill_cut_short_by_a_rate_limit_resumes_where_it_stopped() {
    for (provider, token) in
        [(Provider::Slack, SLACK_TOKEN), (Provider::Mattermost, MATTERMOST_TOKEN)]
    {
        let full = full_sync_requests(provider).await;
        let (world, source) = cut_short_mid_backfill(provider, token, full).await;
        let state = world.state().await;
        assert_eq!(state.chat.sources[&source.id].status, SourceStatus::Error);
        assert!(state.chat.sources[&source.id].last_error.as_deref().unwrap().contains("rate"));
        assert!(!world.posts(source.id).await.is_empty(), "{provider:?}: pages stored are kept");
        // The same attempt, cut short at the same request, but without its checkpoints.
        let (twin, twin_source) = cut_short_mid_backfill(provider, token, full).await;
        twin.store.update(|state| state.chat.checkpoints.clear()).await;

        let retry = |world: &World, source: SourceId| {
            let (chat, sandbox) = (world.chat.clone(), world.sandbox.requests(provider));
            async move {
                let payload = serde_json::json!({ "source_id": source });
                registry().run("chat.sync", payload, chat).await.unwrap();
                sandbox
            }
        };
        let before = retry(&world, source.id).await;
        let resumed = world.sandbox.requests(provider) - before;
        let before = retry(&twin, twin_source.id).await;
        let restarted = twin.sandbox.requests(provider) - before;
        assert!(
            resumed < restarted,
            "{provider:?}: resumed in {resumed} requests, {restarted} without"
        );

        let state = world.state().await;
        assert!(state.chat.checkpoints.is_empty(), "{provider:?}: backfills complete");
        let stored = &state.chat.sources[&source.id];
        assert_eq!(stored.status, SourceStatus::Active);
        assert_eq!(stored.backfill_done, stored.backfill_total);
        let posts = world.posts(source.id).await;
        let live = posts.iter().filter(|p| !p.deleted).count();
        assert_eq!(live, world.live_posts(provider), "{provider:?}");
        assert!(state.chat.channels.values().all(|c| c.synced_until.is_some()));
        let mut twin_posts = twin.posts(twin_source.id).await;
        let mut posts = posts;
        posts.sort_by(|a, b| a.id.cmp(&b.id));
        twin_posts.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(posts, twin_posts, "{provider:?}: the same posts either way");
    }
}

#[tokio::test]
async fn a_checkpoint_the_provider_no_longer_understands_starts_the_backfill_again() {
    let world = start();
    for provider in [Provider::Slack, Provider::Mattermost] {
        let source = world.connect(&user(), provider).await;
        world.chat.sync(source.id).await.unwrap();
        // A cursor the provider refuses (Slack) or a post it does not know (Mattermost): taken
        // at its word, the resumed backfill would list nothing and retire every post.
        let now = world.sandbox.now();
        let checkpoint = BackfillCheckpoint {
            oldest: now - chrono::Duration::days(31),
            cursor: "bm90LWEtY3Vyc29y0000000000".to_owned(),
            listed_down_to: now,
        };
        let channels: Vec<_> = world
            .state()
            .await
            .chat
            .channels
            .values()
            .filter(|c| c.source_id == source.id)
            .map(|c| c.id)
            .collect();
        world
            .store
            .update(|state| {
                for id in &channels {
                    state.chat.checkpoints.insert(*id, checkpoint.clone());
                }
            })
            .await;
        world.chat.sync(source.id).await.unwrap();
        let state = world.state().await;
        assert!(state.chat.checkpoints.is_empty(), "{provider:?}");
        let live = world.posts(source.id).await.iter().filter(|p| !p.deleted).count();
        assert_eq!(live, world.live_posts(provider), "{provider:?}: nothing retired wrongly");
    }
}

/// A queue holding one claimed job, reporting the failures the worker records.
#[derive(Clone)]
struct OneJob {
    job: Arc<Mutex<Option<ClaimedJob>>>,
    failures: mpsc::UnboundedSender<(String, Duration)>,
}

impl JobQueue for OneJob {
    type Wakeups = Polling;

    async fn claim(
        &self,
        _worker: &str,
        _limit: usize,
        _lease: Duration,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        Ok(self.job.lock().unwrap().take().into_iter().collect())
    }

    async fn renew(&self, _worker: &str, _ids: &[i64], _lease: Duration) -> Result<(), StoreError> {
        Ok(())
    }

    async fn complete(&self, _worker: &str, _id: i64) -> Result<bool, StoreError> {
        Ok(true)
    }

    async fn complete_batch(&self, _worker: &str, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        Ok(ids.to_vec())
    }

    async fn fail(
        &self,
        _worker: &str,
        _id: i64,
        error: &str,
        retry_in: Duration,
    ) -> Result<Option<JobState>, StoreError> {
        let _ = self.failures.send((error.to_owned(), retry_in));
        Ok(Some(JobState::Failed))
    }

    async fn release(&self, _worker: &str, _id: i64) -> Result<(), StoreError> {
        Ok(())
    }

    async fn reap_expired(&self) -> Result<u64, StoreError> {
        Ok(0)
    }

    async fn schedule(&self, _job: RecurringJob) -> Result<(), StoreError> {
        Ok(())
    }

    async fn enqueue_due(&self) -> Result<u64, StoreError> {
        Ok(0)
    }

    fn wakeups(&self) -> Polling {
        Polling
    }
}

/// A queue without notifications: workers look again every few milliseconds.
struct Polling;

impl WorkWakeups for Polling {
    async fn wait(&mut self, max_wait: Duration) {
        tokio::time::sleep(max_wait.min(Duration::from_millis(10))).await;
    }
}

#[tokio::test]
async fn the_worker_schedules_a_rate_limited_sync_after_retry_after_not_its_backoff() {
    let world: World = start();
    let source = world.connect(&user(), Provider::Mattermost).await;
    world.sandbox.throttle_token(MATTERMOST_TOKEN, 1, Duration::from_secs(30));
    let (failures, mut failed) = mpsc::unbounded_channel();
    let job = ClaimedJob {
        id: 1,
        job_type: "chat.sync".to_owned(),
        payload: serde_json::json!({ "source_id": source.id }),
        attempt: 1,
        max_attempts: 8,
    };
    let queue = OneJob { job: Arc::new(Mutex::new(Some(job))), failures };
    let config = WorkerConfig {
        poll_interval: Duration::from_millis(10),
        // Milliseconds: a retry this soon would hit the limit again.
        backoff: Backoff { base: Duration::from_millis(1), max: Duration::from_millis(5) },
        ..WorkerConfig::default()
    };
    let worker = Worker::new(queue, Arc::new(registry()), world.chat.clone(), config);
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    let (error, retry_in) = failed.recv().await.unwrap();
    stop.send(true).unwrap();
    running.await.unwrap();
    assert!(error.contains("rate limit"), "{error}");
    assert!(
        (Duration::from_secs(30)..=Duration::from_secs(33)).contains(&retry_in),
        "retried in {retry_in:?}"
    );
}
