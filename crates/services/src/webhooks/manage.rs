//! Creating, listing, changing and deleting the caller's webhooks, rotating their secrets,
//! listing their deliveries and sending a test delivery.

use switchboard_domain::webhooks::{
    Delivery, DeliveryId, DeliveryState, EventFilter, Webhook, WebhookId,
};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{
    ChatSourceFactory, Clock, DeliveryRecord, Ports, SealedSecret, SealedSecretStore, SecretBox,
    StoreError, Transaction, UnitOfWork, WebhookStore,
};

use super::jobs::deliver_job;
use super::{WebhookError, WebhookPolicy, WebhookService};
use crate::chat::network;
use crate::identity::Principal;

/// What the sealed secret is, in `sealed_secrets.purpose`.
pub(super) const SECRET_PURPOSE: &str = "webhook_secret";
/// The longest description accepted, in characters.
pub const MAX_DESCRIPTION: usize = 1000;
/// The most deliveries one page holds.
pub const MAX_DELIVERY_PAGE: usize = 100;

/// A webhook to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhook {
    /// Where to POST.
    pub url: String,
    /// The events wanted: `*`, `model.*` or `model.kind`.
    pub events: Vec<String>,
    /// On unless `Some(false)`.
    pub enabled: Option<bool>,
    /// A note.
    pub description: Option<String>,
}

/// Changes to a webhook; `None` keeps a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookUpdate {
    /// A new URL.
    pub url: Option<String>,
    /// New event filters.
    pub events: Option<Vec<String>>,
    /// On or off; turning it on resumes its pending deliveries.
    pub enabled: Option<bool>,
    /// A new note.
    pub description: Option<String>,
}

/// A webhook and its signing secret, which only this answer shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedWebhook {
    /// The webhook.
    pub webhook: Webhook,
    /// The signing secret (`whsec_` and 64 hex digits).
    pub secret: String,
}

/// A page of deliveries, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryPage {
    /// The deliveries with their attempts.
    pub deliveries: Vec<DeliveryRecord>,
    /// Pass as `before` for the next page; `None` on the last.
    pub next: Option<i64>,
}

/// A fresh signing secret.
fn new_secret() -> Result<String, WebhookError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| WebhookError::Random(e.to_string()))?;
    Ok(format!("whsec_{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// The filters in canonical form, each validated, without repeats.
fn filters(events: &[String]) -> Result<Vec<String>, WebhookError> {
    if events.is_empty() {
        return Err(WebhookError::NoEvents);
    }
    let mut canonical: Vec<String> = Vec::with_capacity(events.len());
    for (index, raw) in events.iter().enumerate() {
        let filter = raw
            .parse::<EventFilter>()
            .map_err(|e| WebhookError::InvalidEvents { index, message: e.0 })?;
        let text = filter.to_string();
        if !canonical.contains(&text) {
            canonical.push(text);
        }
    }
    Ok(canonical)
}

fn description(raw: Option<String>) -> Result<String, WebhookError> {
    let text = raw.unwrap_or_default().trim().to_owned();
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(WebhookError::DescriptionTooLong(MAX_DESCRIPTION));
    }
    Ok(text)
}

impl<P: Ports> WebhookService<P> {
    /// The policy in force.
    pub fn policy(&self) -> &WebhookPolicy {
        &self.policy
    }

    /// `raw` checked as a webhook target: https (http only when allowed), and the SSRF rules
    /// of provider URLs (no credentials; a public address unless private networks are allowed).
    async fn checked_url(&self, raw: &str) -> Result<String, WebhookError> {
        let url =
            url::Url::parse(raw.trim()).map_err(|e| WebhookError::InvalidUrl(e.to_string()))?;
        let scheme_ok =
            url.scheme() == "https" || (self.policy.allow_http && url.scheme() == "http");
        if !scheme_ok {
            return Err(WebhookError::InvalidUrl("only https URLs are accepted".into()));
        }
        let resolver = &self.resolver;
        network::check_target(&url, self.policy.allow_private_networks, |host, port| async move {
            resolver.resolve(&host, port).await
        })
        .await
        .map_err(|e| match e {
            crate::ChatServiceError::ForbiddenAddress(ip) => WebhookError::ForbiddenAddress(ip),
            crate::ChatServiceError::InvalidBaseUrl(why) => WebhookError::InvalidUrl(why),
            other => WebhookError::InvalidUrl(other.to_string()),
        })?;
        Ok(url.to_string())
    }

    fn seal(
        &self,
        owner: UserId,
        id: uuid::Uuid,
        secret: &str,
    ) -> Result<SealedSecret, WebhookError> {
        Ok(SealedSecret {
            id,
            owner_id: Some(owner),
            purpose: SECRET_PURPOSE.to_owned(),
            key_id: self.secrets.current_key_id().to_owned(),
            ciphertext: self.secrets.seal(secret.as_bytes(), id.as_bytes())?,
        })
    }

    /// Creates a webhook for the caller, with a new signing secret shown only in the answer.
    ///
    /// # Errors
    /// [`WebhookError::InvalidUrl`], [`WebhookError::ForbiddenAddress`],
    /// [`WebhookError::NoEvents`], [`WebhookError::InvalidEvents`],
    /// [`WebhookError::DescriptionTooLong`] for bad input; the store's or the box's failures.
    pub async fn create(
        &self,
        caller: &Principal,
        request: NewWebhook,
    ) -> Result<CreatedWebhook, WebhookError> {
        let events = filters(&request.events)?;
        let description = description(request.description)?;
        let url = self.checked_url(&request.url).await?;
        let now = self.clock.now();
        let owner = caller.user_id;
        let webhook = Webhook {
            id: WebhookId::new(),
            owner_id: owner,
            url,
            events,
            enabled: request.enabled.unwrap_or(true),
            description,
            secret_id: uuid::Uuid::now_v7(),
            failing_since: None,
            created_at: now,
            updated_at: now,
        };
        let secret = new_secret()?;
        let sealed = self.seal(owner, webhook.secret_id, &secret)?;
        let stored = webhook.clone();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.put_sealed(&sealed).await?;
                    tx.insert_webhook(&stored).await?;
                    let event = NewEvent::added(
                        Webhook::EVENT_MODEL,
                        stored.id.to_string(),
                        stored.snapshot(),
                    );
                    tx.append_events(vec![event.by(Some(owner)).owned_by(Some(owner))]).await?;
                    Ok::<_, WebhookError>(())
                })
            })
            .await?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// The caller's webhooks, oldest first.
    ///
    /// # Errors
    /// The store's failures.
    pub async fn list(&self, caller: &Principal) -> Result<Vec<Webhook>, WebhookError> {
        let owner = caller.user_id;
        self.uow.read(move |tx| Box::pin(async move { Ok(tx.webhooks_of(owner).await?) })).await
    }

    /// One of the caller's webhooks.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`] when it is not theirs.
    pub async fn get(&self, caller: &Principal, id: WebhookId) -> Result<Webhook, WebhookError> {
        let owner = caller.user_id;
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    let found = tx.webhook(id).await?;
                    found.filter(|w| w.owner_id == owner).ok_or(WebhookError::NotFound)
                })
            })
            .await
    }

    /// Changes one of the caller's webhooks, appending a `changed` event per attribute that
    /// changed. Turning it on clears its failure streak and resumes its pending deliveries.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`] when it is not theirs; the checks of [`Self::create`].
    pub async fn update(
        &self,
        caller: &Principal,
        id: WebhookId,
        update: WebhookUpdate,
    ) -> Result<Webhook, WebhookError> {
        let events = update.events.as_deref().map(filters).transpose()?;
        let new_description = update.description.map(|d| description(Some(d))).transpose()?;
        let url = match update.url {
            Some(raw) => Some(self.checked_url(&raw).await?),
            None => None,
        };
        let owner = caller.user_id;
        let now = self.clock.now();
        let enabled = update.enabled;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let found = tx.webhook_for_update(id).await?;
                    let mut webhook =
                        found.filter(|w| w.owner_id == owner).ok_or(WebhookError::NotFound)?;
                    let mut changes = Vec::new();
                    let mut change =
                        |name: &str, old: serde_json::Value, new: serde_json::Value| {
                            if old != new {
                                changes.push(
                                    NewEvent::changed(
                                        Webhook::EVENT_MODEL,
                                        id.to_string(),
                                        name,
                                        old,
                                        new,
                                    )
                                    .by(Some(owner))
                                    .owned_by(Some(owner)),
                                );
                            }
                        };
                    if let Some(url) = url {
                        change("url", webhook.url.clone().into(), url.clone().into());
                        webhook.url = url;
                    }
                    if let Some(events) = events {
                        change("events", webhook.events.clone().into(), events.clone().into());
                        webhook.events = events;
                    }
                    if let Some(text) = new_description {
                        change(
                            "description",
                            webhook.description.clone().into(),
                            text.clone().into(),
                        );
                        webhook.description = text;
                    }
                    let resumed = enabled == Some(true) && !webhook.enabled;
                    if let Some(on) = enabled {
                        change(Webhook::ENABLED_ATTRIBUTE, webhook.enabled.into(), on.into());
                        webhook.enabled = on;
                    }
                    if resumed {
                        webhook.failing_since = None;
                    }
                    if changes.is_empty() {
                        return Ok(webhook);
                    }
                    webhook.updated_at = now;
                    tx.update_webhook(&webhook).await?;
                    tx.append_events(changes).await?;
                    if resumed {
                        enqueue_delivery(tx, id).await?;
                    }
                    Ok::<_, WebhookError>(webhook)
                })
            })
            .await
    }

    /// Deletes one of the caller's webhooks, its outbox and its secret.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`] when it is not theirs.
    pub async fn delete(&self, caller: &Principal, id: WebhookId) -> Result<(), WebhookError> {
        let owner = caller.user_id;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let found = tx.webhook_for_update(id).await?;
                    found.filter(|w| w.owner_id == owner).ok_or(WebhookError::NotFound)?;
                    tx.delete_webhook(id).await?;
                    let event = NewEvent::deleted(Webhook::EVENT_MODEL, id.to_string());
                    tx.append_events(vec![event.by(Some(owner)).owned_by(Some(owner))]).await?;
                    Ok::<_, WebhookError>(())
                })
            })
            .await
    }

    /// Replaces the signing secret of one of the caller's webhooks; the new one is shown only
    /// in the answer, and signs every delivery sent from now on, retries included.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`] when it is not theirs.
    pub async fn rotate_secret(
        &self,
        caller: &Principal,
        id: WebhookId,
    ) -> Result<CreatedWebhook, WebhookError> {
        let owner = caller.user_id;
        let secret = new_secret()?;
        let webhook = self.get(caller, id).await?;
        let sealed = self.seal(owner, webhook.secret_id, &secret)?;
        let now = self.clock.now();
        let webhook = self
            .uow
            .transact(move |tx| {
                Box::pin(async move {
                    let found = tx.webhook_for_update(id).await?;
                    let mut webhook =
                        found.filter(|w| w.owner_id == owner).ok_or(WebhookError::NotFound)?;
                    tx.put_sealed(&sealed).await?;
                    webhook.updated_at = now;
                    tx.update_webhook(&webhook).await?;
                    Ok::<_, WebhookError>(webhook)
                })
            })
            .await?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// A page of one of the caller's webhooks' deliveries, newest first, below `before`;
    /// `limit` is clamped to 1..=[`MAX_DELIVERY_PAGE`] (0: 20).
    ///
    /// # Errors
    /// [`WebhookError::NotFound`] when it is not theirs.
    pub async fn deliveries(
        &self,
        caller: &Principal,
        id: WebhookId,
        before: Option<i64>,
        limit: usize,
    ) -> Result<DeliveryPage, WebhookError> {
        let owner = caller.user_id;
        let limit = match limit {
            0 => 20,
            n => n.min(MAX_DELIVERY_PAGE),
        };
        self.uow
            .read(move |tx| {
                Box::pin(async move {
                    let found = tx.webhook(id).await?;
                    found.filter(|w| w.owner_id == owner).ok_or(WebhookError::NotFound)?;
                    let deliveries = tx.deliveries_of(id, before, limit).await?;
                    let next = if deliveries.len() == limit {
                        deliveries.last().map(|r| r.delivery.seq)
                    } else {
                        None
                    };
                    Ok::<_, WebhookError>(DeliveryPage { deliveries, next })
                })
            })
            .await
    }

    /// Appends a `webhook.test` delivery to one of the caller's webhooks' outbox and enqueues
    /// its delivery job; it is sent after the deliveries already waiting.
    ///
    /// # Errors
    /// [`WebhookError::NotFound`] when it is not theirs.
    pub async fn test(&self, caller: &Principal, id: WebhookId) -> Result<Delivery, WebhookError> {
        let owner = caller.user_id;
        let now = self.clock.now();
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    let found = tx.webhook(id).await?;
                    found.filter(|w| w.owner_id == owner).ok_or(WebhookError::NotFound)?;
                    let delivery_id = DeliveryId::new();
                    let event_id = format!("test-{delivery_id}");
                    let payload = serde_json::json!({
                        "id": event_id,
                        "type": "webhook.test",
                        "occurred_at": now,
                        "occurred_by": owner,
                        "model_name": Webhook::EVENT_MODEL,
                        "object_id": id,
                        "kind": "test",
                    });
                    let delivery = Delivery {
                        id: delivery_id,
                        webhook_id: id,
                        seq: 0,
                        event_id,
                        event_type: "webhook.test".to_owned(),
                        payload,
                        state: DeliveryState::Pending,
                        attempts: 0,
                        next_attempt_at: now,
                        locked_until: None,
                        created_at: now,
                        delivered_at: None,
                    };
                    let stored = tx.insert_deliveries(&[delivery]).await?;
                    enqueue_delivery(tx, id).await?;
                    stored.into_iter().next().ok_or(WebhookError::Store(StoreError::NotFound))
                })
            })
            .await
    }
}

/// Enqueues the delivery job of `webhook` (one pending per webhook).
pub(super) async fn enqueue_delivery<Tx: Transaction>(
    tx: &mut Tx,
    webhook: WebhookId,
) -> Result<(), WebhookError> {
    tx.enqueue(deliver_job(webhook, None)).await?;
    Ok(())
}
