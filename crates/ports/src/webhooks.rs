//! Webhooks: their store (subscriptions, the per-webhook outbox of deliveries and their
//! attempts) and the transport that POSTs a delivery.

use std::future::Future;
use std::time::Duration;

use switchboard_domain::UserId;
use switchboard_domain::webhooks::{Delivery, DeliveryAttempt, DeliveryId, Webhook, WebhookId};

use crate::StoreError;

/// A delivery with its attempts, newest attempt first, as the deliveries listing shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRecord {
    /// The delivery.
    pub delivery: Delivery,
    /// Its attempts, newest first.
    pub attempts: Vec<DeliveryAttempt>,
}

/// Webhooks and their outboxes, implemented by each adapter's transaction.
pub trait WebhookStore: Send {
    /// Stores a new webhook.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_webhook(
        &mut self,
        webhook: &Webhook,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The webhook with this id, whoever owns it.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn webhook(
        &mut self,
        id: WebhookId,
    ) -> impl Future<Output = Result<Option<Webhook>, StoreError>> + Send;

    /// The webhook with this id, locked until the transaction ends (for a change that reads it
    /// first).
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn webhook_for_update(
        &mut self,
        id: WebhookId,
    ) -> impl Future<Output = Result<Option<Webhook>, StoreError>> + Send;

    /// `owner`'s webhooks, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn webhooks_of(
        &mut self,
        owner: UserId,
    ) -> impl Future<Output = Result<Vec<Webhook>, StoreError>> + Send;

    /// The enabled webhooks of any of `owners`, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn enabled_webhooks_of(
        &mut self,
        owners: &[UserId],
    ) -> impl Future<Output = Result<Vec<Webhook>, StoreError>> + Send;

    /// Replaces a stored webhook's fields.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not stored; [`StoreError`] from the store.
    fn update_webhook(
        &mut self,
        webhook: &Webhook,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes a webhook with its deliveries, their attempts and its sealed secret; returns
    /// whether it existed.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delete_webhook(
        &mut self,
        id: WebhookId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Appends deliveries to their webhooks' outboxes, in order: each gets the next `seq`
    /// (the one given is ignored). Returns them as stored.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_deliveries(
        &mut self,
        deliveries: &[Delivery],
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// The oldest pending delivery of a webhook (its outbox's head), locked until the
    /// transaction ends.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delivery_head(
        &mut self,
        webhook: WebhookId,
    ) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;

    /// Saves a delivery's state, attempts, next attempt, lock and delivery time.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not stored; [`StoreError`] from the store.
    fn save_delivery(
        &mut self,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records an attempt.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn insert_delivery_attempt(
        &mut self,
        attempt: &DeliveryAttempt,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A page of a webhook's deliveries, newest first: at most `limit` whose `seq` is below
    /// `before` (all when `None`), each with its attempts.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn deliveries_of(
        &mut self,
        webhook: WebhookId,
        before: Option<i64>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<DeliveryRecord>, StoreError>> + Send;

    /// The delivery with this id.
    ///
    /// # Errors
    /// [`StoreError`] from the store.
    fn delivery(
        &mut self,
        id: DeliveryId,
    ) -> impl Future<Output = Result<Option<Delivery>, StoreError>> + Send;
}

/// A signed delivery ready to POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingWebhook {
    /// The webhook's URL.
    pub url: String,
    /// The JSON body.
    pub body: Vec<u8>,
    /// Headers besides `Content-Type: application/json` (the signature, the ids).
    pub headers: Vec<(String, String)>,
}

/// How the receiver answered, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookResponse {
    /// It answered with this status (any: the caller judges it).
    Status(u16),
    /// No answer: refused connection, timeout, a refused address or redirect. The message
    /// holds no secret.
    Failed(String),
}

/// POSTs deliveries: reqwest in production, public addresses only unless configured.
pub trait WebhookSender: Send + Sync + 'static {
    /// POSTs `request` and reports how it went, within `timeout`.
    fn send(
        &self,
        request: OutgoingWebhook,
        timeout: Duration,
    ) -> impl Future<Output = WebhookResponse> + Send;
}
