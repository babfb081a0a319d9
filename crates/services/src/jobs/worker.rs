//! The worker: claims jobs, runs them under renewed leases, retries failures with backoff, and
//! on shutdown finishes or gives back what it holds.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use switchboard_domain::{Backoff, JobState};
use switchboard_ports::{ClaimedJob, JobQueue, WorkWakeups};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::Instrument;

use super::JobRegistry;

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// A name unique among running workers (host, process, index), recorded on claimed jobs.
    pub id: String,
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// How long a claim holds without renewal; renewed every third of it.
    pub lease: Duration,
    /// Longest wait without a notification before looking for work again; also how often
    /// expired leases and recurring schedules are checked.
    pub poll_interval: Duration,
    /// Delay between a failed attempt and the next.
    pub backoff: Backoff,
    /// On shutdown, how long jobs in hand may take to finish before they are given back.
    pub shutdown_grace: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            id: format!("worker-{}", std::process::id()),
            concurrency: 4,
            lease: Duration::from_secs(30),
            poll_interval: Duration::from_secs(1),
            backoff: Backoff::default(),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// Runs jobs from a queue until told to stop.
#[derive(Debug)]
pub struct Worker<Q, C> {
    queue: Q,
    registry: Arc<JobRegistry<C>>,
    context: C,
    config: WorkerConfig,
}

type InFlight = Arc<Mutex<HashSet<i64>>>;

fn lock(set: &InFlight) -> std::sync::MutexGuard<'_, HashSet<i64>> {
    set.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<Q, C> Worker<Q, C>
where
    Q: JobQueue + Clone,
    C: Clone + Send + Sync + 'static,
{
    /// A worker over `queue` running the job types of `registry` with `context`.
    pub fn new(queue: Q, registry: Arc<JobRegistry<C>>, context: C, config: WorkerConfig) -> Self {
        Self { queue, registry, context, config }
    }

    /// Runs until `shutdown` turns `true`; then lets jobs in hand finish within the grace
    /// period and gives back the rest, which other workers run again at once.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let in_flight: InFlight = Arc::default();
        let renewer = tokio::spawn(renew_leases(
            self.queue.clone(),
            self.config.id.clone(),
            in_flight.clone(),
            self.config.lease,
        ));
        let (abort, aborted) = watch::channel(false);
        let (completed, completions) = mpsc::unbounded_channel();
        let recorder = tokio::spawn(record_completions(
            self.queue.clone(),
            self.config.id.clone(),
            completions,
            in_flight.clone(),
        ));
        let mut running = JoinSet::new();
        let mut wakeups = self.queue.wakeups();
        let mut next_maintenance = Instant::now();
        tracing::info!(worker = %self.config.id, concurrency = self.config.concurrency, "worker started");
        while !*shutdown.borrow() {
            if Instant::now() >= next_maintenance {
                self.maintain().await;
                next_maintenance = Instant::now() + self.config.poll_interval;
            }
            let free = self.config.concurrency.saturating_sub(running.len());
            let claimed = if free > 0 { self.claim(free).await } else { Vec::new() };
            let claimed_any = claimed.len();
            for job in claimed {
                lock(&in_flight).insert(job.id);
                running.spawn(self.run_job(
                    job,
                    in_flight.clone(),
                    aborted.clone(),
                    completed.clone(),
                ));
            }
            while running.try_join_next().is_some() {}
            // A full batch means more may be waiting: look again before waiting.
            if claimed_any == free && running.len() < self.config.concurrency {
                continue;
            }
            let until_maintenance = next_maintenance.saturating_duration_since(Instant::now());
            tokio::select! {
                () = wakeups.wait(until_maintenance), if running.len() < self.config.concurrency => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(until_maintenance), if running.len() >= self.config.concurrency => {}
                _ = shutdown.changed() => {}
            }
        }
        self.drain(running, abort).await;
        // Every job task has ended: once the recorder has written the last completions, what
        // is still in hand was cut short.
        drop(completed);
        let _ = recorder.await;
        self.give_back(&in_flight).await;
        renewer.abort();
        tracing::info!(worker = %self.config.id, "worker stopped");
    }

    async fn claim(&self, limit: usize) -> Vec<ClaimedJob> {
        match self.queue.claim(&self.config.id, limit, self.config.lease).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(worker = %self.config.id, error = %e, "cannot claim jobs");
                Vec::new()
            }
        }
    }

    /// Reclaims jobs of dead workers and enqueues due recurring jobs.
    async fn maintain(&self) {
        if let Err(e) = self.queue.reap_expired().await {
            tracing::warn!(error = %e, "cannot reclaim expired jobs");
        }
        if let Err(e) = self.queue.enqueue_due().await {
            tracing::warn!(error = %e, "cannot enqueue recurring jobs");
        }
    }

    /// Runs one job and records its outcome. Only the run itself can be cut short (at the end
    /// of the shutdown grace period); an outcome, once known, is always recorded, so a finished
    /// job is never given back to run twice.
    fn run_job(
        &self,
        job: ClaimedJob,
        in_flight: InFlight,
        mut aborted: watch::Receiver<bool>,
        completed: mpsc::UnboundedSender<i64>,
    ) -> impl Future<Output = ()> + Send + 'static {
        let queue = self.queue.clone();
        let registry = self.registry.clone();
        let context = self.context.clone();
        let worker = self.config.id.clone();
        let backoff = self.config.backoff;
        let span = tracing::info_span!("job", id = job.id, job_type = %job.job_type, attempt = job.attempt);
        async move {
            tracing::debug!("job started");
            let started = std::time::Instant::now();
            let job_type = job.job_type.clone();
            let run = AssertUnwindSafe(registry.run(&job.job_type, job.payload, context)).catch_unwind();
            let outcome = tokio::select! {
                biased;
                outcome = run => outcome.unwrap_or_else(|_| Err(super::JobError::new("the job panicked"))),
                // Left in `in_flight`: the drain gives it back to the queue.
                _ = aborted.wait_for(|aborted| *aborted) => {
                    metrics::counter!("switchboard_job_runs_total", "job_type" => job_type, "outcome" => "given_back").increment(1);
                    return;
                }
            };
            metrics::histogram!("switchboard_job_run_duration_seconds", "job_type" => job_type.clone())
                .record(started.elapsed().as_secs_f64());
            let result = if outcome.is_ok() { "succeeded" } else { "failed" };
            metrics::counter!("switchboard_job_runs_total", "job_type" => job_type.clone(), "outcome" => result).increment(1);
            match outcome {
                // Recorded in batches by the recorder, which also lets go of the lease.
                Ok(()) => {
                    if completed.send(job.id).is_err() {
                        tracing::error!("the completion recorder is gone; the job will run again");
                    }
                }
                Err(error) => {
                    let delay = retry_delay(&error, &backoff, job.attempt, rand::random::<f64>());
                    match queue.fail(&worker, job.id, error.message(), delay).await {
                        Ok(state) => {
                            if state == Some(JobState::Dead) {
                                metrics::counter!("switchboard_jobs_dead_total", "job_type" => job_type).increment(1);
                            }
                            tracing::warn!(error = %error, next = ?state, retry_in_ms = delay.as_millis() as u64, "job failed");
                        }
                        // The lease will run out and the job will run again: never dropped.
                        Err(e) => tracing::error!(error = %e, "cannot record a job's failure"),
                    }
                    lock(&in_flight).remove(&job.id);
                }
            }
            tracing::debug!("job finished");
        }
        .instrument(span)
    }

    /// Waits for the jobs in hand up to the grace period, then cuts short those still running.
    async fn drain(&self, mut running: JoinSet<()>, abort: watch::Sender<bool>) {
        let deadline = Instant::now() + self.config.shutdown_grace;
        while !running.is_empty() {
            match tokio::time::timeout_at(deadline, running.join_next()).await {
                Ok(_) => {}
                Err(_) => break,
            }
        }
        // Past the grace period: stop the jobs still running, let outcomes being recorded land.
        let _ = abort.send(true);
        while running.join_next().await.is_some() {}
    }

    /// Gives back to the queue the jobs cut short by the shutdown.
    async fn give_back(&self, in_flight: &InFlight) {
        let unfinished: Vec<i64> = lock(in_flight).drain().collect();
        for id in unfinished {
            match self.queue.release(&self.config.id, id).await {
                Ok(()) => tracing::info!(job = id, "gave back an unfinished job"),
                Err(e) => {
                    tracing::warn!(job = id, error = %e, "cannot give back a job; its lease will expire")
                }
            }
        }
    }
}

/// How long a failed attempt waits before the next: what the failure asked for (a provider's
/// `Retry-After`) plus up to a tenth more, so jobs told the same time do not all come back
/// at once; otherwise the exponential backoff. `jitter` is uniform in `[0, 1]`.
fn retry_delay(error: &super::JobError, backoff: &Backoff, attempt: u32, jitter: f64) -> Duration {
    match error.wait() {
        Some(wait) => wait.saturating_add(wait.mul_f64(jitter.clamp(0.0, 1.0) / 10.0)),
        None => backoff.delay(attempt, jitter),
    }
}

/// Deletes completed jobs in batches: one round trip for every job finished meanwhile.
async fn record_completions<Q: JobQueue>(
    queue: Q,
    worker: String,
    mut completions: mpsc::UnboundedReceiver<i64>,
    in_flight: InFlight,
) {
    let mut batch = Vec::new();
    while completions.recv_many(&mut batch, 512).await > 0 {
        match queue.complete_batch(&worker, &batch).await {
            Ok(removed) if removed.len() < batch.len() => {
                tracing::warn!(
                    lost = batch.len() - removed.len(),
                    "finished jobs whose lease had been lost"
                );
            }
            Ok(_) => {}
            // Their leases will run out and they will run again: never dropped silently.
            Err(e) => {
                tracing::error!(error = %e, jobs = batch.len(), "cannot record completed jobs")
            }
        }
        let mut held = lock(&in_flight);
        for id in batch.drain(..) {
            held.remove(&id);
            tracing::debug!(job = id, "job completed");
        }
    }
}

async fn renew_leases<Q: JobQueue>(queue: Q, worker: String, in_flight: InFlight, lease: Duration) {
    let mut every = tokio::time::interval(lease / 3);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let ids: Vec<i64> = lock(&in_flight).iter().copied().collect();
        if ids.is_empty() {
            continue;
        }
        if let Err(e) = queue.renew(&worker, &ids, lease).await {
            tracing::warn!(worker = %worker, error = %e, "cannot renew leases");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobError;

    #[test]
    fn a_failure_that_says_when_waits_that_long_and_at_most_a_tenth_more() {
        let backoff = Backoff { base: Duration::from_millis(1), max: Duration::from_millis(5) };
        let limited = JobError::new("429").retry_after(Duration::from_secs(30));
        assert_eq!(retry_delay(&limited, &backoff, 1, 0.0), Duration::from_secs(30));
        assert_eq!(retry_delay(&limited, &backoff, 7, 1.0), Duration::from_secs(33));
        let plain = JobError::new("down");
        assert!(retry_delay(&plain, &backoff, 3, 1.0) <= Duration::from_millis(5));
        // A zero Retry-After says nothing: the backoff applies.
        let zero = JobError::new("429").retry_after(Duration::ZERO);
        assert_eq!(zero.wait(), None);
        assert!(retry_delay(&zero, &backoff, 3, 1.0) <= Duration::from_millis(5));
    }
}
