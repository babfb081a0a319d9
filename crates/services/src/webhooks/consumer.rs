//! The event consumer that fills webhooks' outboxes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use switchboard_domain::webhooks::{Delivery, DeliveryId, DeliveryState, Webhook, event_payload};
use switchboard_domain::{Event, UserId};
use switchboard_ports::{BoxFuture, Clock, StoreError, Transaction, WebhookStore};

use super::jobs::deliver_job;
use crate::events::EventConsumer;

/// Matches each batch of events against the enabled webhooks of the events' owners and
/// appends one delivery per (webhook, event) to the webhook's outbox, in log order, then
/// enqueues the delivery job of each webhook that got one: the outbox and the checkpoint
/// commit together, so an event is recorded once. A webhook receives only events that
/// occurred after it was created.
#[derive(Debug)]
pub struct WebhookConsumer<C> {
    clock: C,
}

impl<C> WebhookConsumer<C> {
    /// The consumer, stamping deliveries with `clock`'s time (their retry window starts then).
    pub fn new(clock: C) -> Self {
        Self { clock }
    }
}

impl<C> WebhookConsumer<C> {
    /// The consumer's name (its checkpoint's key).
    pub const NAME: &'static str = "webhooks.deliveries";
}

/// The deliveries `events` make for `webhooks`, in log order.
fn deliveries(events: &[Event], webhooks: &[Webhook], now: DateTime<Utc>) -> Vec<Delivery> {
    let mut by_owner: BTreeMap<UserId, Vec<&Webhook>> = BTreeMap::new();
    for webhook in webhooks {
        by_owner.entry(webhook.owner_id).or_default().push(webhook);
    }
    let mut out = Vec::new();
    for event in events {
        let Some(hooks) = event.owner_id.and_then(|owner| by_owner.get(&owner)) else { continue };
        let kind = event.change.kind();
        for webhook in hooks {
            if event.occurred_at < webhook.created_at || !webhook.wants(&event.model_name, kind) {
                continue;
            }
            out.push(Delivery {
                id: DeliveryId::new(),
                webhook_id: webhook.id,
                seq: 0,
                event_id: event.position.to_cursor(),
                event_type: format!("{}.{kind}", event.model_name),
                payload: event_payload(event),
                state: DeliveryState::Pending,
                attempts: 0,
                next_attempt_at: now,
                locked_until: None,
                created_at: now,
                delivered_at: None,
            });
        }
    }
    out
}

impl<Tx, C> EventConsumer<Tx> for WebhookConsumer<C>
where
    Tx: Transaction + WebhookStore,
    C: Clock,
{
    fn name(&self) -> &str {
        Self::NAME
    }

    fn handle<'t>(
        &'t self,
        tx: &'t mut Tx,
        events: &'t [Event],
    ) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let owners: BTreeSet<UserId> = events.iter().filter_map(|e| e.owner_id).collect();
            let owners: Vec<UserId> = owners.into_iter().collect();
            let webhooks = tx.enabled_webhooks_of(&owners).await?;
            if webhooks.is_empty() {
                return Ok(());
            }
            let new = deliveries(events, &webhooks, self.clock.now());
            let stored = tx.insert_deliveries(&new).await?;
            let touched: BTreeSet<_> = stored.iter().map(|d| d.webhook_id).collect();
            for webhook in touched {
                tx.enqueue(deliver_job(webhook, None)).await?;
            }
            Ok(())
        })
    }
}
