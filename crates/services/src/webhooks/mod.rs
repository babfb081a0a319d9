//! Webhooks: users subscribe a URL to the events of what they own. An event-log consumer
//! records one delivery per (webhook, event) in the webhook's ordered outbox and enqueues the
//! webhook's delivery job; that job sends the outbox's head, oldest first, signed with the
//! webhook's secret, and retries a failing head with exponential backoff (later deliveries
//! wait behind it) until the retry window ends and it is dead-lettered. A webhook whose
//! deliveries have failed for `disable_after` is turned off, with a `changed` event.

mod consumer;
mod error;
mod jobs;
mod manage;
mod send;
mod signature;

use std::time::Duration;

use switchboard_ports::Ports;

pub use consumer::WebhookConsumer;
pub use error::WebhookError;
pub use jobs::{DELIVER_JOB_TYPE, WebhookDeliverJob, WebhookDispatchJob, deliver_job};
pub use manage::{CreatedWebhook, DeliveryPage, MAX_DELIVERY_PAGE, NewWebhook, WebhookUpdate};
pub use send::{DeliverOutcome, WebhookDispatcher};
pub use signature::{
    DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signature, signature_header,
};

/// Webhook settings, from configuration.
#[derive(Debug, Clone)]
pub struct WebhookPolicy {
    /// Accept `http://` URLs (local development, the sandbox, tests); otherwise https only.
    pub allow_http: bool,
    /// Accept URLs resolving to loopback, private or link-local addresses.
    pub allow_private_networks: bool,
    /// The wait after a delivery's first failed attempt; it doubles with each further one.
    pub retry_base: Duration,
    /// The longest wait between two attempts.
    pub retry_max: Duration,
    /// How long after it was recorded a failing delivery is retried before it is dead.
    pub retry_window: Duration,
    /// How long a webhook's deliveries may keep failing before it is disabled.
    pub disable_after: Duration,
    /// How long one POST may take.
    pub request_timeout: Duration,
    /// Deliveries one job sends at most before it hands over to a new job.
    pub max_per_job: usize,
    /// Events the consumer reads per transaction.
    pub batch: usize,
}

impl Default for WebhookPolicy {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private_networks: false,
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            retry_window: Duration::from_secs(24 * 3600),
            disable_after: Duration::from_secs(24 * 3600),
            request_timeout: Duration::from_secs(10),
            max_per_job: 50,
            batch: 200,
        }
    }
}

impl WebhookPolicy {
    /// The wait before attempt `attempts + 1`, after `attempts` failed ones (at least 1):
    /// `retry_base · 2^(attempts-1)`, at most `retry_max`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard_services::webhooks::WebhookPolicy;
    ///
    /// let policy = WebhookPolicy::default();
    /// assert_eq!(policy.backoff(1), Duration::from_secs(30));
    /// assert_eq!(policy.backoff(3), Duration::from_secs(120));
    /// assert_eq!(policy.backoff(40), Duration::from_secs(3600));
    /// ```
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(31));
        self.retry_base.saturating_mul(factor).min(self.retry_max)
    }
}

/// Manages the caller's webhooks and lists their deliveries.
pub struct WebhookService<P: Ports> {
    uow: P::Uow,
    clock: P::Clock,
    secrets: P::Secrets,
    resolver: P::ChatSources,
    policy: WebhookPolicy,
}

impl<P: Ports> std::fmt::Debug for WebhookService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports> Clone for WebhookService<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            secrets: self.secrets.clone(),
            resolver: self.resolver.clone(),
            policy: self.policy.clone(),
        }
    }
}

impl<P: Ports> WebhookService<P> {
    /// The service over its adapters; `resolver` (the chat-source factory's DNS lookup)
    /// resolves a webhook URL's host for the SSRF check.
    pub fn new(
        uow: P::Uow,
        clock: P::Clock,
        secrets: P::Secrets,
        resolver: P::ChatSources,
        policy: WebhookPolicy,
    ) -> Self {
        Self { uow, clock, secrets, resolver, policy }
    }
}
