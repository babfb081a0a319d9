//! The job types this binary runs, the recurring schedules, and starting worker loops.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::Backoff;
use switchboard_ports::{JobQueue, RecurringJob, StoreError};
use switchboard_postgres::PgJobQueue;
use switchboard_services::chat::{ChatSyncAllJob, ChatSyncJob};
use switchboard_services::jobs::{
    BackgroundJob, JobRegistry, NoopJob, SleepJob, Worker, WorkerConfig,
};
use switchboard_services::mail::{MailSyncAllJob, MailSyncJob};
use switchboard_services::notifications::{NotificationsExpireJob, NotificationsUpdateJob};
use switchboard_services::stats::StatsUpdateJob;
use switchboard_services::webhooks::{WebhookDeliverJob, WebhookDispatchJob, WebhookDispatcher};
use switchboard_services::{ChatService, Identity, MailService, NotificationService, StatsService};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::{Config, JobsConfig};
use crate::error::AppError;
use crate::ports::PgPorts;
use crate::webhooks::HttpWebhookSender;

/// What jobs get to do their work.
#[derive(Debug, Clone)]
pub struct JobContext {
    /// Chat sources and their sync.
    pub chat: ChatService<PgPorts>,
    /// Channel analytics and their update.
    pub stats: StatsService<PgPorts>,
    /// Mailbox syncs.
    pub mail: MailService<PgPorts>,
    /// Webhook deliveries.
    pub webhooks: WebhookDispatcher<PgPorts, HttpWebhookSender>,
    /// Notifications: the consumer that makes them, and expiry.
    pub notifications: NotificationService<PgPorts>,
}

impl JobContext {
    /// The services jobs use, over `identity`'s adapters, from configuration.
    ///
    /// # Errors
    /// [`AppError::Command`] when the chat or mail providers' clients or the analytics pool
    /// cannot be built.
    pub fn new(identity: &Identity<PgPorts>, config: &Config) -> Result<Self, AppError> {
        Ok(Self {
            chat: crate::ports::chat(identity, &config.chat)?,
            stats: crate::ports::stats(identity, &config.stats)?,
            mail: crate::ports::mail(identity, config, "")?,
            webhooks: crate::ports::webhook_dispatcher(identity, &config.webhooks)?,
            notifications: crate::ports::notifications(identity, &config.notifications),
        })
    }
}

/// Every job type this binary knows.
pub fn registry() -> JobRegistry<JobContext> {
    JobRegistry::new()
        .register_with::<NoopJob>(|_| ())
        .register_with::<SleepJob>(|_| ())
        .register_with::<ChatSyncJob<PgPorts>>(|c: &JobContext| c.chat.clone())
        .register_with::<ChatSyncAllJob<PgPorts>>(|c: &JobContext| c.chat.clone())
        .register_with::<StatsUpdateJob<PgPorts>>(|c: &JobContext| c.stats.clone())
        .register_with::<MailSyncJob<PgPorts>>(|c: &JobContext| c.mail.clone())
        .register_with::<MailSyncAllJob<PgPorts>>(|c: &JobContext| c.mail.clone())
        .register_with::<WebhookDispatchJob<PgPorts, HttpWebhookSender>>(|c: &JobContext| {
            c.webhooks.clone()
        })
        .register_with::<WebhookDeliverJob<PgPorts, HttpWebhookSender>>(|c: &JobContext| {
            c.webhooks.clone()
        })
        .register_with::<NotificationsUpdateJob<PgPorts>>(|c: &JobContext| c.notifications.clone())
        .register_with::<NotificationsExpireJob<PgPorts>>(|c: &JobContext| c.notifications.clone())
}

/// Creates or updates the recurring schedules (the sync of every chat source, the update of
/// the channel statistics). `serve` does it at start; any worker then enqueues each
/// occurrence once.
///
/// # Errors
/// [`StoreError`] from the queue.
pub async fn schedule_recurring(queue: &PgJobQueue, config: &Config) -> Result<(), StoreError> {
    for (job_type, interval) in [
        (ChatSyncAllJob::<PgPorts>::JOB_TYPE, config.chat.sync_interval_secs),
        (StatsUpdateJob::<PgPorts>::JOB_TYPE, config.stats.update_interval_secs),
        (MailSyncAllJob::<PgPorts>::JOB_TYPE, config.mail.sync_interval_secs),
        (
            WebhookDispatchJob::<PgPorts, HttpWebhookSender>::JOB_TYPE,
            config.webhooks.dispatch_interval_secs,
        ),
        (NotificationsUpdateJob::<PgPorts>::JOB_TYPE, config.notifications.update_interval_secs),
        (NotificationsExpireJob::<PgPorts>::JOB_TYPE, config.notifications.expire_interval_secs),
    ] {
        queue
            .schedule(RecurringJob {
                name: job_type.to_owned(),
                job_type: job_type.to_owned(),
                payload: serde_json::json!({}),
                interval: Duration::from_secs(interval.max(1)),
            })
            .await?;
    }
    Ok(())
}

/// The worker settings for loop `index` of this process.
pub fn worker_config(config: &JobsConfig, index: usize) -> WorkerConfig {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".to_owned());
    WorkerConfig {
        id: format!("{host}:{}:{index}", std::process::id()),
        concurrency: config.concurrency.max(1),
        lease: Duration::from_secs(config.lease_secs.max(1)),
        poll_interval: Duration::from_millis(config.poll_interval_ms.max(1)),
        backoff: Backoff {
            base: Duration::from_millis(config.backoff_base_ms),
            max: Duration::from_secs(config.backoff_max_secs),
        },
        shutdown_grace: Duration::from_secs(config.shutdown_grace_secs),
    }
}

/// Starts `count` worker loops running jobs with `context`; they stop when `shutdown` turns
/// true.
pub fn spawn_workers(
    queue: &PgJobQueue,
    config: &JobsConfig,
    count: usize,
    shutdown: &watch::Receiver<bool>,
    context: &JobContext,
) -> JoinSet<()> {
    let registry = Arc::new(registry());
    let mut workers = JoinSet::new();
    for index in 0..count {
        let worker = Worker::new(
            queue.clone(),
            registry.clone(),
            context.clone(),
            worker_config(config, index),
        );
        workers.spawn(worker.run(shutdown.clone()));
    }
    workers
}
