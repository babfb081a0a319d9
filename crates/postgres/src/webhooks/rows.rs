//! Row structs of the webhook tables and their conversion to domain types.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use switchboard_domain::UserId;
use switchboard_domain::webhooks::{
    Delivery, DeliveryAttempt, DeliveryId, DeliveryState, Webhook, WebhookId,
};
use switchboard_ports::StoreError;

use crate::schema::{webhook_attempts, webhook_deliveries, webhooks};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhooks)]
pub(super) struct WebhookRow {
    pub(super) id: uuid::Uuid,
    pub(super) owner_id: uuid::Uuid,
    pub(super) url: String,
    pub(super) events: Vec<Option<String>>,
    pub(super) enabled: bool,
    pub(super) description: String,
    pub(super) secret_id: uuid::Uuid,
    #[diesel(treat_none_as_null = true)]
    pub(super) failing_since: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

impl From<&Webhook> for WebhookRow {
    fn from(w: &Webhook) -> Self {
        Self {
            id: w.id.as_uuid(),
            owner_id: w.owner_id.as_uuid(),
            url: w.url.clone(),
            events: w.events.iter().cloned().map(Some).collect(),
            enabled: w.enabled,
            description: w.description.clone(),
            secret_id: w.secret_id,
            failing_since: w.failing_since,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

impl From<WebhookRow> for Webhook {
    fn from(r: WebhookRow) -> Self {
        Self {
            id: WebhookId::from_uuid(r.id),
            owner_id: UserId::from_uuid(r.owner_id),
            url: r.url,
            events: r.events.into_iter().flatten().collect(),
            enabled: r.enabled,
            description: r.description,
            secret_id: r.secret_id,
            failing_since: r.failing_since,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub(super) struct DeliveryRow {
    pub(super) id: uuid::Uuid,
    pub(super) webhook_id: uuid::Uuid,
    pub(super) seq: i64,
    pub(super) event_id: String,
    pub(super) event_type: String,
    pub(super) payload: serde_json::Value,
    pub(super) state: String,
    pub(super) attempts: i32,
    pub(super) next_attempt_at: DateTime<Utc>,
    pub(super) locked_until: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) delivered_at: Option<DateTime<Utc>>,
}

/// A delivery as inserted: `seq` is the sequence's.
#[derive(Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub(super) struct NewDeliveryRow {
    pub(super) id: uuid::Uuid,
    pub(super) webhook_id: uuid::Uuid,
    pub(super) event_id: String,
    pub(super) event_type: String,
    pub(super) payload: serde_json::Value,
    pub(super) state: String,
    pub(super) attempts: i32,
    pub(super) next_attempt_at: DateTime<Utc>,
    pub(super) locked_until: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) delivered_at: Option<DateTime<Utc>>,
}

/// The fields a delivery's progress changes.
#[derive(AsChangeset)]
#[diesel(table_name = webhook_deliveries, treat_none_as_null = true)]
pub(super) struct DeliveryProgress {
    pub(super) state: String,
    pub(super) attempts: i32,
    pub(super) next_attempt_at: DateTime<Utc>,
    pub(super) locked_until: Option<DateTime<Utc>>,
    pub(super) delivered_at: Option<DateTime<Utc>>,
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<&Delivery> for NewDeliveryRow {
    fn from(d: &Delivery) -> Self {
        Self {
            id: d.id.as_uuid(),
            webhook_id: d.webhook_id.as_uuid(),
            event_id: d.event_id.clone(),
            event_type: d.event_type.clone(),
            payload: d.payload.clone(),
            state: d.state.as_str().to_owned(),
            attempts: count(d.attempts),
            next_attempt_at: d.next_attempt_at,
            locked_until: d.locked_until,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
        }
    }
}

impl From<&Delivery> for DeliveryProgress {
    fn from(d: &Delivery) -> Self {
        Self {
            state: d.state.as_str().to_owned(),
            attempts: count(d.attempts),
            next_attempt_at: d.next_attempt_at,
            locked_until: d.locked_until,
            delivered_at: d.delivered_at,
        }
    }
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;

    fn try_from(r: DeliveryRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: DeliveryId::from_uuid(r.id),
            webhook_id: WebhookId::from_uuid(r.webhook_id),
            seq: r.seq,
            event_id: r.event_id,
            event_type: r.event_type,
            payload: r.payload,
            state: r.state.parse::<DeliveryState>().map_err(StoreError::Other)?,
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            next_attempt_at: r.next_attempt_at,
            locked_until: r.locked_until,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub(super) struct AttemptRow {
    pub(super) delivery_id: uuid::Uuid,
    pub(super) attempted_at: DateTime<Utc>,
    pub(super) status_code: Option<i32>,
    pub(super) error: Option<String>,
    pub(super) latency_ms: i64,
}

#[derive(Insertable)]
#[diesel(table_name = webhook_attempts)]
pub(super) struct NewAttemptRow {
    pub(super) delivery_id: uuid::Uuid,
    pub(super) attempted_at: DateTime<Utc>,
    pub(super) status_code: Option<i32>,
    pub(super) error: Option<String>,
    pub(super) latency_ms: i64,
}

impl From<&DeliveryAttempt> for NewAttemptRow {
    fn from(a: &DeliveryAttempt) -> Self {
        Self {
            delivery_id: a.delivery_id.as_uuid(),
            attempted_at: a.attempted_at,
            status_code: a.status_code.map(i32::from),
            error: a.error.clone(),
            latency_ms: i64::try_from(a.latency_ms).unwrap_or(i64::MAX),
        }
    }
}

impl From<AttemptRow> for DeliveryAttempt {
    fn from(r: AttemptRow) -> Self {
        Self {
            delivery_id: DeliveryId::from_uuid(r.delivery_id),
            attempted_at: r.attempted_at,
            status_code: r.status_code.and_then(|c| u16::try_from(c).ok()),
            error: r.error,
            latency_ms: u64::try_from(r.latency_ms).unwrap_or(0),
        }
    }
}
