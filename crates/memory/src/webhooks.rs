//! [`MemoryTx`] as the webhook store.

use std::collections::BTreeMap;

use switchboard_domain::UserId;
use switchboard_domain::webhooks::{
    Delivery, DeliveryAttempt, DeliveryId, DeliveryState, Webhook, WebhookId,
};
use switchboard_ports::{DeliveryRecord, StoreError, WebhookStore};

use crate::MemoryTx;

/// Webhooks, their deliveries and attempts.
#[derive(Debug, Clone, Default)]
pub struct WebhookState {
    /// Webhooks by id.
    pub webhooks: BTreeMap<WebhookId, Webhook>,
    /// Deliveries by `seq` (the outbox order of every webhook).
    pub deliveries: BTreeMap<i64, Delivery>,
    /// Attempts, in the order they were made.
    pub attempts: Vec<DeliveryAttempt>,
    /// The last `seq` given.
    pub last_seq: i64,
}

fn oldest_first(mut found: Vec<Webhook>) -> Vec<Webhook> {
    found.sort_by_key(|w| (w.created_at, w.id));
    found
}

impl WebhookStore for MemoryTx {
    async fn insert_webhook(&mut self, webhook: &Webhook) -> Result<(), StoreError> {
        let webhooks = &mut self.state.webhooks.webhooks;
        if webhooks.contains_key(&webhook.id) {
            return Err(StoreError::Conflict("webhooks_pkey".to_owned()));
        }
        webhooks.insert(webhook.id, webhook.clone());
        Ok(())
    }

    async fn webhook(&mut self, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        Ok(self.state.webhooks.webhooks.get(&id).cloned())
    }

    async fn webhook_for_update(&mut self, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        Ok(self.state.webhooks.webhooks.get(&id).cloned())
    }

    async fn webhooks_of(&mut self, owner: UserId) -> Result<Vec<Webhook>, StoreError> {
        let all = self.state.webhooks.webhooks.values();
        Ok(oldest_first(all.filter(|w| w.owner_id == owner).cloned().collect()))
    }

    async fn enabled_webhooks_of(&mut self, owners: &[UserId]) -> Result<Vec<Webhook>, StoreError> {
        let all = self.state.webhooks.webhooks.values();
        Ok(oldest_first(
            all.filter(|w| w.enabled && owners.contains(&w.owner_id)).cloned().collect(),
        ))
    }

    async fn update_webhook(&mut self, webhook: &Webhook) -> Result<(), StoreError> {
        let stored =
            self.state.webhooks.webhooks.get_mut(&webhook.id).ok_or(StoreError::NotFound)?;
        *stored = webhook.clone();
        Ok(())
    }

    async fn delete_webhook(&mut self, id: WebhookId) -> Result<bool, StoreError> {
        let Some(gone) = self.state.webhooks.webhooks.remove(&id) else { return Ok(false) };
        let state = &mut self.state.webhooks;
        let ids: Vec<DeliveryId> =
            state.deliveries.values().filter(|d| d.webhook_id == id).map(|d| d.id).collect();
        state.deliveries.retain(|_, d| d.webhook_id != id);
        state.attempts.retain(|a| !ids.contains(&a.delivery_id));
        self.state.identity.sealed.remove(&gone.secret_id);
        Ok(true)
    }

    async fn insert_deliveries(
        &mut self,
        deliveries: &[Delivery],
    ) -> Result<Vec<Delivery>, StoreError> {
        let state = &mut self.state.webhooks;
        let mut stored = Vec::with_capacity(deliveries.len());
        for delivery in deliveries {
            if !state.webhooks.contains_key(&delivery.webhook_id) {
                return Err(StoreError::Conflict("webhook_deliveries_webhook_id_fkey".into()));
            }
            state.last_seq += 1;
            let delivery = Delivery { seq: state.last_seq, ..delivery.clone() };
            state.deliveries.insert(delivery.seq, delivery.clone());
            stored.push(delivery);
        }
        Ok(stored)
    }

    async fn delivery_head(&mut self, webhook: WebhookId) -> Result<Option<Delivery>, StoreError> {
        Ok(self
            .state
            .webhooks
            .deliveries
            .values()
            .find(|d| d.webhook_id == webhook && d.state == DeliveryState::Pending)
            .cloned())
    }

    async fn save_delivery(&mut self, delivery: &Delivery) -> Result<(), StoreError> {
        let stored = self
            .state
            .webhooks
            .deliveries
            .values_mut()
            .find(|d| d.id == delivery.id)
            .ok_or(StoreError::NotFound)?;
        stored.state = delivery.state;
        stored.attempts = delivery.attempts;
        stored.next_attempt_at = delivery.next_attempt_at;
        stored.locked_until = delivery.locked_until;
        stored.delivered_at = delivery.delivered_at;
        Ok(())
    }

    async fn insert_delivery_attempt(
        &mut self,
        attempt: &DeliveryAttempt,
    ) -> Result<(), StoreError> {
        let state = &mut self.state.webhooks;
        if !state.deliveries.values().any(|d| d.id == attempt.delivery_id) {
            return Err(StoreError::Conflict("webhook_attempts_delivery_id_fkey".into()));
        }
        state.attempts.push(attempt.clone());
        Ok(())
    }

    async fn deliveries_of(
        &mut self,
        webhook: WebhookId,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let state = &self.state.webhooks;
        Ok(state
            .deliveries
            .range(..before.unwrap_or(i64::MAX))
            .rev()
            .map(|(_, d)| d)
            .filter(|d| d.webhook_id == webhook)
            .take(limit)
            .map(|d| DeliveryRecord {
                delivery: d.clone(),
                attempts: state
                    .attempts
                    .iter()
                    .rev()
                    .filter(|a| a.delivery_id == d.id)
                    .cloned()
                    .collect(),
            })
            .collect())
    }

    async fn delivery(&mut self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        Ok(self.state.webhooks.deliveries.values().find(|d| d.id == id).cloned())
    }
}
