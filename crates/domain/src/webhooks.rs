//! Webhooks: a user's subscription to the changes of what they own, delivered as signed HTTP
//! POSTs, in event order per webhook, retried with backoff and finally dead-lettered.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::uuid_id;
use crate::{Event, UserId};

uuid_id!(
    /// The identifier of a webhook.
    WebhookId
);

uuid_id!(
    /// The identifier of one delivery (one event to one webhook).
    DeliveryId
);

/// The models whose events a webhook may ask for: those the event log records.
pub const EVENT_MODELS: &[&str] = &[
    "user",
    "api_key",
    "chat_source",
    "chat_channel",
    "mail_account",
    "mail_message",
    Webhook::EVENT_MODEL,
];

/// The kinds of change an event records.
pub const EVENT_KINDS: &[&str] = &["added", "changed", "deleted"];

/// Which events a webhook wants: `*` (all), `model.*` or `model.kind`.
///
/// ```
/// use switchboard_domain::webhooks::EventFilter;
///
/// let filter: EventFilter = "mail_message.added".parse().unwrap();
/// assert!(filter.matches("mail_message", "added"));
/// assert!(!filter.matches("mail_message", "deleted"));
/// assert!("*".parse::<EventFilter>().unwrap().matches("user", "changed"));
/// assert!("post.added".parse::<EventFilter>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventFilter {
    model: Option<String>,
    kind: Option<String>,
}

/// A filter naming a model or kind the event log does not record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidFilter(pub String);

impl std::str::FromStr for EventFilter {
    type Err = InvalidFilter;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let s = raw.trim();
        if s == "*" {
            return Ok(Self { model: None, kind: None });
        }
        let (model, kind) = s
            .split_once('.')
            .ok_or_else(|| InvalidFilter(format!("{s:?} is not `*`, `model.*` or `model.kind`")))?;
        if !EVENT_MODELS.contains(&model) {
            return Err(InvalidFilter(format!(
                "unknown model {model:?}; known: {}",
                EVENT_MODELS.join(", ")
            )));
        }
        if kind != "*" && !EVENT_KINDS.contains(&kind) {
            return Err(InvalidFilter(format!(
                "unknown kind {kind:?}; known: *, {}",
                EVENT_KINDS.join(", ")
            )));
        }
        Ok(Self { model: Some(model.to_owned()), kind: (kind != "*").then(|| kind.to_owned()) })
    }
}

impl std::fmt::Display for EventFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.model, &self.kind) {
            (None, _) => f.write_str("*"),
            (Some(model), None) => write!(f, "{model}.*"),
            (Some(model), Some(kind)) => write!(f, "{model}.{kind}"),
        }
    }
}

impl EventFilter {
    /// Whether an event of `model` and `kind` passes.
    pub fn matches(&self, model: &str, kind: &str) -> bool {
        self.model.as_deref().is_none_or(|m| m == model)
            && self.kind.as_deref().is_none_or(|k| k == kind)
    }
}

/// A user's webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: WebhookId,
    /// Its owner: it receives the events of what they own.
    pub owner_id: UserId,
    /// Where deliveries are POSTed (checked against SSRF when set).
    pub url: String,
    /// The events it wants, in the canonical text form of [`EventFilter`].
    pub events: Vec<String>,
    /// Whether events are delivered; off by its owner or after a day of failures.
    pub enabled: bool,
    /// The owner's note.
    pub description: String,
    /// The sealed signing secret's id.
    pub secret_id: uuid::Uuid,
    /// Since when every delivery attempt has failed; `None` after a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Webhook {
    /// Its model name in the event log.
    pub const EVENT_MODEL: &'static str = "webhook";
    /// The attribute of the `changed` event when it is turned on or off.
    pub const ENABLED_ATTRIBUTE: &'static str = "enabled";

    /// Whether it wants an event of `model` and `kind`.
    pub fn wants(&self, model: &str, kind: &str) -> bool {
        self.events
            .iter()
            .filter_map(|f| f.parse::<EventFilter>().ok())
            .any(|f| f.matches(model, kind))
    }

    /// Its state for an `added` event (never the secret).
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "url": self.url,
            "events": self.events,
            "enabled": self.enabled,
            "description": self.description,
            "created_at": self.created_at,
        })
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Not delivered yet; attempted again at its `next_attempt_at`.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Retried for the whole retry window without success; never attempted again.
    Dead,
}

impl DeliveryState {
    /// The state's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }
}

impl std::str::FromStr for DeliveryState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Dead]
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("unknown delivery state {s:?}"))
    }
}

/// One event to deliver to one webhook, and how its attempts went.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Its id (the `X-Switchboard-Delivery-Id` header).
    pub id: DeliveryId,
    /// The webhook.
    pub webhook_id: WebhookId,
    /// Its place in the webhook's outbox: deliveries are sent in this order.
    pub seq: i64,
    /// The event's id (the `X-Switchboard-Event-Id` header): its log cursor, or `test-…`.
    pub event_id: String,
    /// `model.kind` of the event (`webhook.test` for a test).
    pub event_type: String,
    /// The event as sent, the envelope's `data`.
    pub payload: serde_json::Value,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// When it may be attempted next.
    pub next_attempt_at: DateTime<Utc>,
    /// A sender holds it until then (so two jobs never send it at once).
    pub locked_until: Option<DateTime<Utc>>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When the receiver accepted it.
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One attempt to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    /// The delivery.
    pub delivery_id: DeliveryId,
    /// When it was made.
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status code, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed (a non-2xx status, a timeout, a refused connection); `None` on success.
    pub error: Option<String>,
    /// How long the request took, in milliseconds.
    pub latency_ms: u64,
}

/// The JSON `data` of a delivery for `event`: the event, with its JSON values as JSON.
pub fn event_payload(event: &Event) -> serde_json::Value {
    let mut data = serde_json::json!({
        "id": event.position.to_cursor(),
        "type": format!("{}.{}", event.model_name, event.change.kind()),
        "occurred_at": event.occurred_at,
        "occurred_by": event.occurred_by,
        "model_name": event.model_name,
        "object_id": event.object_id,
        "kind": event.change.kind(),
    });
    if let (Some(map), Ok(serde_json::Value::Object(change))) =
        (data.as_object_mut(), serde_json::to_value(&event.change))
    {
        for (key, value) in change {
            if key != "kind" {
                map.insert(key, value);
            }
        }
    }
    data
}
