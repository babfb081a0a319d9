//! Sending a webhook's outbox: the head first, one at a time, retried with backoff.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard_domain::NewEvent;
use switchboard_domain::webhooks::{Delivery, DeliveryAttempt, DeliveryState, Webhook, WebhookId};
use switchboard_ports::{
    Clock, OutgoingWebhook, Ports, SealedSecretStore, SecretBox, Transaction, UnitOfWork,
    WebhookResponse, WebhookSender, WebhookStore,
};

use super::consumer::WebhookConsumer;
use super::jobs::deliver_job;
use super::signature::{DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signature_header};
use super::{WebhookError, WebhookPolicy};
use crate::events::catch_up;

/// What one run of [`WebhookDispatcher::deliver`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliverOutcome {
    /// Deliveries the receiver accepted.
    pub delivered: usize,
    /// Attempts that failed (their deliveries wait for a retry or are dead).
    pub failed: usize,
    /// Deliveries dead-lettered by this run.
    pub dead: usize,
    /// Whether the webhook was disabled by this run.
    pub disabled: bool,
    /// When the next run is due, if one was enqueued for later.
    pub next_run_at: Option<DateTime<Utc>>,
}

/// Runs the webhook consumer and sends deliveries through `S`.
pub struct WebhookDispatcher<P: Ports, S> {
    uow: P::Uow,
    clock: P::Clock,
    secrets: P::Secrets,
    sender: S,
    policy: Arc<WebhookPolicy>,
}

impl<P: Ports, S> std::fmt::Debug for WebhookDispatcher<P, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookDispatcher").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports, S: Clone> Clone for WebhookDispatcher<P, S> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            secrets: self.secrets.clone(),
            sender: self.sender.clone(),
            policy: self.policy.clone(),
        }
    }
}

/// What the claim step found at the head of the outbox.
enum Claim {
    /// Nothing to send now (no webhook, disabled, or an empty outbox).
    Idle,
    /// The head is not due (backoff) or another sender holds it, until then.
    Wait(DateTime<Utc>),
    /// Send it.
    Send(Box<(Webhook, Delivery, Vec<u8>)>),
}

fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// The body of a delivery: the API's envelope around the event.
fn body(webhook: &Webhook, delivery: &Delivery) -> Vec<u8> {
    let envelope = serde_json::json!({
        "status": "success",
        "data": {
            "webhook_id": webhook.id,
            "delivery_id": delivery.id,
            "event": delivery.payload,
        },
        "message": delivery.event_type,
        "errors": [],
    });
    serde_json::to_vec(&envelope).unwrap_or_default()
}

impl<P: Ports, S: WebhookSender + Clone> WebhookDispatcher<P, S> {
    /// The dispatcher over its adapters.
    pub fn new(
        uow: P::Uow,
        clock: P::Clock,
        secrets: P::Secrets,
        sender: S,
        policy: WebhookPolicy,
    ) -> Self {
        Self { uow, clock, secrets, sender, policy: Arc::new(policy) }
    }

    /// Runs the consumer to the end of the log: new events become deliveries and their
    /// webhooks' jobs are enqueued. Returns how many events were read.
    ///
    /// # Errors
    /// [`WebhookError::Store`].
    pub async fn dispatch(&self) -> Result<usize, WebhookError> {
        Ok(catch_up(
            &self.uow,
            Arc::new(WebhookConsumer::new(self.clock.clone())),
            self.policy.batch.max(1),
        )
        .await?)
    }

    /// Sends `webhook`'s pending deliveries in order, at most `max_per_job`: a failed head is
    /// rescheduled (its backoff) and the run stops, so later deliveries wait behind it; a head
    /// failing past the retry window is dead and the next one goes. A webhook failing for
    /// `disable_after` is disabled. Whenever work remains, a job is enqueued for when it is due.
    ///
    /// # Errors
    /// [`WebhookError::Store`] or [`WebhookError::Crypto`]; no attempt is lost: an attempt made
    /// is recorded in the same transaction as its outcome.
    pub async fn deliver(&self, webhook_id: WebhookId) -> Result<DeliverOutcome, WebhookError> {
        let mut outcome = DeliverOutcome::default();
        for _ in 0..self.policy.max_per_job.max(1) {
            match self.claim(webhook_id).await? {
                Claim::Idle => return Ok(outcome),
                Claim::Wait(until) => {
                    self.enqueue_at(webhook_id, until).await?;
                    outcome.next_run_at = Some(until);
                    return Ok(outcome);
                }
                Claim::Send(claimed) => {
                    let (webhook, delivery, secret) = *claimed;
                    if let Some(retry_at) =
                        self.send(webhook, delivery, &secret, &mut outcome).await?
                    {
                        self.enqueue_at(webhook_id, retry_at).await?;
                        outcome.next_run_at = Some(retry_at);
                        return Ok(outcome);
                    }
                    if outcome.disabled {
                        return Ok(outcome);
                    }
                }
            }
        }
        let now = self.clock.now();
        self.enqueue_at(webhook_id, now).await?;
        outcome.next_run_at = Some(now);
        Ok(outcome)
    }

    async fn enqueue_at(&self, webhook: WebhookId, at: DateTime<Utc>) -> Result<(), WebhookError> {
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.enqueue(deliver_job(webhook, Some(at))).await?;
                    Ok::<_, WebhookError>(())
                })
            })
            .await
    }

    /// Locks the head for one send (the request's timeout and a margin), if it is due.
    async fn claim(&self, id: WebhookId) -> Result<Claim, WebhookError> {
        let now = self.clock.now();
        let hold = delta(self.policy.request_timeout) + TimeDelta::seconds(30);
        let secrets = self.secrets.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let Some(webhook) = tx.webhook(id).await? else { return Ok(Claim::Idle) };
                    if !webhook.enabled {
                        return Ok(Claim::Idle);
                    }
                    let Some(mut head) = tx.delivery_head(id).await? else {
                        return Ok(Claim::Idle);
                    };
                    if head.next_attempt_at > now {
                        return Ok(Claim::Wait(head.next_attempt_at));
                    }
                    if let Some(until) = head.locked_until.filter(|until| *until > now) {
                        return Ok(Claim::Wait(until));
                    }
                    let sealed = tx
                        .sealed(webhook.secret_id)
                        .await?
                        .ok_or(WebhookError::Store(switchboard_ports::StoreError::NotFound))?;
                    let secret = secrets.open(&sealed.ciphertext, sealed.id.as_bytes())?;
                    head.locked_until = Some(now + hold);
                    tx.save_delivery(&head).await?;
                    Ok::<_, WebhookError>(Claim::Send(Box::new((webhook, head, secret))))
                })
            })
            .await
    }

    /// POSTs the claimed head and records the attempt; returns when to retry it, if it failed
    /// and is not dead.
    async fn send(
        &self,
        webhook: Webhook,
        mut delivery: Delivery,
        secret: &[u8],
        outcome: &mut DeliverOutcome,
    ) -> Result<Option<DateTime<Utc>>, WebhookError> {
        let body = body(&webhook, &delivery);
        let sent_at = self.clock.now();
        let request = OutgoingWebhook {
            url: webhook.url.clone(),
            headers: vec![
                (SIGNATURE_HEADER.to_owned(), signature_header(secret, sent_at.timestamp(), &body)),
                (EVENT_ID_HEADER.to_owned(), delivery.event_id.clone()),
                (DELIVERY_ID_HEADER.to_owned(), delivery.id.to_string()),
            ],
            body,
        };
        let started = Instant::now();
        let response = self.sender.send(request, self.policy.request_timeout).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let now = self.clock.now();
        let (status_code, error) = match response {
            WebhookResponse::Status(code) if (200..300).contains(&code) => (Some(code), None),
            WebhookResponse::Status(code) => {
                (Some(code), Some(format!("the receiver answered {code}")))
            }
            WebhookResponse::Failed(why) => (None, Some(why)),
        };
        let attempt = DeliveryAttempt {
            delivery_id: delivery.id,
            attempted_at: now,
            status_code,
            error: error.clone(),
            latency_ms,
        };
        delivery.attempts = delivery.attempts.saturating_add(1);
        delivery.locked_until = None;
        let mut webhook = webhook;
        let mut webhook_changed = false;
        let mut events = Vec::new();
        let mut retry_at = None;
        if error.is_none() {
            delivery.state = DeliveryState::Delivered;
            delivery.delivered_at = Some(now);
            outcome.delivered += 1;
            if webhook.failing_since.take().is_some() {
                webhook_changed = true;
            }
        } else {
            outcome.failed += 1;
            if webhook.failing_since.is_none() {
                webhook.failing_since = Some(now);
                webhook_changed = true;
            }
            if now - delivery.created_at >= delta(self.policy.retry_window) {
                delivery.state = DeliveryState::Dead;
                outcome.dead += 1;
            } else {
                let next = now + delta(self.policy.backoff(delivery.attempts));
                delivery.next_attempt_at = next;
                retry_at = Some(next);
            }
            let failing_for = webhook.failing_since.map_or(TimeDelta::zero(), |since| now - since);
            if failing_for >= delta(self.policy.disable_after) {
                webhook.enabled = false;
                webhook.updated_at = now;
                webhook_changed = true;
                outcome.disabled = true;
                retry_at = None;
                let owner = Some(webhook.owner_id);
                events.push(
                    NewEvent::changed(
                        Webhook::EVENT_MODEL,
                        webhook.id.to_string(),
                        Webhook::ENABLED_ATTRIBUTE,
                        true,
                        false,
                    )
                    .owned_by(owner),
                );
            }
        }
        tracing::debug!(
            webhook = %webhook.id,
            delivery = %delivery.id,
            status = status_code,
            state = delivery.state.as_str(),
            "webhook delivery attempted"
        );
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.insert_delivery_attempt(&attempt).await?;
                    tx.save_delivery(&delivery).await?;
                    if webhook_changed {
                        // Another change (its owner's) may have landed meanwhile: keep theirs,
                        // apply only the failure streak and the disabling.
                        if let Some(mut stored) = tx.webhook_for_update(webhook.id).await? {
                            stored.failing_since = webhook.failing_since;
                            if !webhook.enabled && stored.enabled {
                                stored.enabled = false;
                                stored.updated_at = webhook.updated_at;
                                tx.append_events(events).await?;
                            }
                            tx.update_webhook(&stored).await?;
                        }
                    }
                    Ok::<_, WebhookError>(())
                })
            })
            .await?;
        Ok(retry_at)
    }
}
