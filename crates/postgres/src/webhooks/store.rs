//! The queries of [`WebhookStore`].

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::webhooks::{Delivery, DeliveryAttempt, DeliveryId, Webhook, WebhookId};
use switchboard_ports::{DeliveryRecord, StoreError, WebhookStore};

use super::rows::{
    AttemptRow, DeliveryProgress, DeliveryRow, NewAttemptRow, NewDeliveryRow, WebhookRow,
};
use crate::PgTx;
use crate::error::{one_row, store_error};
use crate::schema::{sealed_secrets, webhook_attempts, webhook_deliveries, webhooks};

impl WebhookStore for PgTx {
    async fn insert_webhook(&mut self, webhook: &Webhook) -> Result<(), StoreError> {
        diesel::insert_into(webhooks::table)
            .values(WebhookRow::from(webhook))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn webhook(&mut self, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        let row: Option<WebhookRow> = webhooks::table
            .find(id.as_uuid())
            .select(WebhookRow::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(Webhook::from))
    }

    async fn webhook_for_update(&mut self, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
        let row: Option<WebhookRow> = webhooks::table
            .find(id.as_uuid())
            .select(WebhookRow::as_select())
            .for_update()
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(Webhook::from))
    }

    async fn webhooks_of(&mut self, owner: UserId) -> Result<Vec<Webhook>, StoreError> {
        let rows: Vec<WebhookRow> = webhooks::table
            .filter(webhooks::owner_id.eq(owner.as_uuid()))
            .order((webhooks::created_at, webhooks::id))
            .select(WebhookRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Webhook::from).collect())
    }

    async fn enabled_webhooks_of(&mut self, owners: &[UserId]) -> Result<Vec<Webhook>, StoreError> {
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<uuid::Uuid> = owners.iter().map(UserId::as_uuid).collect();
        let rows: Vec<WebhookRow> = webhooks::table
            .filter(webhooks::owner_id.eq_any(ids).and(webhooks::enabled))
            .order((webhooks::created_at, webhooks::id))
            .select(WebhookRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Webhook::from).collect())
    }

    async fn update_webhook(&mut self, webhook: &Webhook) -> Result<(), StoreError> {
        let n = diesel::update(webhooks::table.find(webhook.id.as_uuid()))
            .set(WebhookRow::from(webhook))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        one_row(n)
    }

    async fn delete_webhook(&mut self, id: WebhookId) -> Result<bool, StoreError> {
        let secrets: Vec<uuid::Uuid> = diesel::delete(webhooks::table.find(id.as_uuid()))
            .returning(webhooks::secret_id)
            .get_results(self.conn())
            .await
            .map_err(store_error)?;
        if secrets.is_empty() {
            return Ok(false);
        }
        diesel::delete(sealed_secrets::table.filter(sealed_secrets::id.eq_any(secrets)))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(true)
    }

    async fn insert_deliveries(
        &mut self,
        deliveries: &[Delivery],
    ) -> Result<Vec<Delivery>, StoreError> {
        if deliveries.is_empty() {
            return Ok(Vec::new());
        }
        let mut stored = Vec::with_capacity(deliveries.len());
        // One statement per chunk; a multi-row INSERT takes sequence values in row order.
        for chunk in deliveries.chunks(1000) {
            let rows: Vec<NewDeliveryRow> = chunk.iter().map(NewDeliveryRow::from).collect();
            let inserted: Vec<DeliveryRow> = diesel::insert_into(webhook_deliveries::table)
                .values(rows)
                .returning(DeliveryRow::as_returning())
                .get_results(self.conn())
                .await
                .map_err(store_error)?;
            for row in inserted {
                stored.push(Delivery::try_from(row)?);
            }
        }
        stored.sort_by_key(|d| d.seq);
        Ok(stored)
    }

    async fn delivery_head(&mut self, webhook: WebhookId) -> Result<Option<Delivery>, StoreError> {
        let row: Option<DeliveryRow> = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook.as_uuid()))
            .filter(webhook_deliveries::state.eq("pending"))
            .order(webhook_deliveries::seq)
            .select(DeliveryRow::as_select())
            .for_update()
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(Delivery::try_from).transpose()
    }

    async fn save_delivery(&mut self, delivery: &Delivery) -> Result<(), StoreError> {
        let n = diesel::update(webhook_deliveries::table.find(delivery.id.as_uuid()))
            .set(DeliveryProgress::from(delivery))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        one_row(n)
    }

    async fn insert_delivery_attempt(
        &mut self,
        attempt: &DeliveryAttempt,
    ) -> Result<(), StoreError> {
        diesel::insert_into(webhook_attempts::table)
            .values(NewAttemptRow::from(attempt))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn deliveries_of(
        &mut self,
        webhook: WebhookId,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let mut query = webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook.as_uuid()))
            .order(webhook_deliveries::seq.desc())
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .select(DeliveryRow::as_select())
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(webhook_deliveries::seq.lt(before));
        }
        let rows: Vec<DeliveryRow> = query.load(self.conn()).await.map_err(store_error)?;
        let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
        let attempts: Vec<AttemptRow> = webhook_attempts::table
            .filter(webhook_attempts::delivery_id.eq_any(ids))
            .order(webhook_attempts::id.desc())
            .select(AttemptRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        let mut by_delivery: std::collections::HashMap<uuid::Uuid, Vec<DeliveryAttempt>> =
            std::collections::HashMap::new();
        for attempt in attempts {
            by_delivery.entry(attempt.delivery_id).or_default().push(attempt.into());
        }
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let attempts = by_delivery.remove(&row.id).unwrap_or_default();
            records.push(DeliveryRecord { delivery: Delivery::try_from(row)?, attempts });
        }
        Ok(records)
    }

    async fn delivery(&mut self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        let row: Option<DeliveryRow> = webhook_deliveries::table
            .find(id.as_uuid())
            .select(DeliveryRow::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(Delivery::try_from).transpose()
    }
}
