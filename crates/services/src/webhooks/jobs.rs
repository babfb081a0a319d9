//! The webhook jobs: the recurring dispatch (the consumer catches up with the event log) and
//! one delivery job per webhook at a time (its dedupe key), which sends the outbox in order.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::webhooks::WebhookId;
use switchboard_ports::{NewJob, Ports, WebhookSender};

use super::WebhookDispatcher;
use crate::jobs::{BackgroundJob, JobError};

/// The delivery job's type.
pub const DELIVER_JOB_TYPE: &str = "webhooks.deliver";
/// Attempts of a delivery job: a failure here is the store's (a receiver's failure is
/// recorded on the delivery and retried by a new job), so a few are enough.
const DELIVER_ATTEMPTS: u32 = 10;

/// The delivery job of `webhook`, to run at `run_at` (`None`: now). At most one is pending
/// per webhook.
pub fn deliver_job(webhook: WebhookId, run_at: Option<DateTime<Utc>>) -> NewJob {
    NewJob {
        job_type: DELIVER_JOB_TYPE.to_owned(),
        payload: serde_json::json!({ "webhook_id": webhook }),
        priority: 0,
        max_attempts: DELIVER_ATTEMPTS,
        dedupe_key: Some(webhook.to_string()),
        run_at,
    }
}

/// Sends a webhook's pending deliveries, oldest first ([`WebhookDispatcher::deliver`]).
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct WebhookDeliverJob<P, S> {
    /// The webhook.
    pub webhook_id: WebhookId,
    #[serde(skip)]
    ports: PhantomData<fn() -> (P, S)>,
}

impl<P, S> std::fmt::Debug for WebhookDeliverJob<P, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookDeliverJob").field("webhook_id", &self.webhook_id).finish()
    }
}

impl<P, S> WebhookDeliverJob<P, S> {
    /// The job for `webhook`.
    pub fn new(webhook: WebhookId) -> Self {
        Self { webhook_id: webhook, ports: PhantomData }
    }
}

impl<P: Ports, S: WebhookSender + Clone> BackgroundJob for WebhookDeliverJob<P, S> {
    const JOB_TYPE: &'static str = DELIVER_JOB_TYPE;
    const MAX_ATTEMPTS: u32 = DELIVER_ATTEMPTS;
    type Context = WebhookDispatcher<P, S>;

    fn dedupe_key(&self) -> Option<String> {
        Some(self.webhook_id.to_string())
    }

    async fn run(&self, dispatcher: &WebhookDispatcher<P, S>) -> Result<(), JobError> {
        dispatcher.deliver(self.webhook_id).await.map_err(|e| JobError::new(e.to_string()))?;
        Ok(())
    }
}

/// Runs the webhook consumer to the end of the event log, recording deliveries and enqueueing
/// delivery jobs. Recurring (`webhooks.dispatch_interval_secs`); one waits at a time.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct WebhookDispatchJob<P, S> {
    #[serde(skip)]
    ports: PhantomData<fn() -> (P, S)>,
}

impl<P, S> std::fmt::Debug for WebhookDispatchJob<P, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookDispatchJob")
    }
}

impl<P, S> Default for WebhookDispatchJob<P, S> {
    fn default() -> Self {
        Self { ports: PhantomData }
    }
}

impl<P: Ports, S: WebhookSender + Clone> BackgroundJob for WebhookDispatchJob<P, S> {
    const JOB_TYPE: &'static str = "webhooks.dispatch";
    type Context = WebhookDispatcher<P, S>;

    fn dedupe_key(&self) -> Option<String> {
        Some("all".to_owned())
    }

    async fn run(&self, dispatcher: &WebhookDispatcher<P, S>) -> Result<(), JobError> {
        let events = dispatcher.dispatch().await.map_err(|e| JobError::new(e.to_string()))?;
        if events > 0 {
            tracing::debug!(events, "webhook consumer caught up");
        }
        Ok(())
    }
}
