//! The caller's webhooks and their deliveries.

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod get;
pub mod list;
pub mod rotate_secret;
pub mod test;
pub mod update;

use switchboard_domain::webhooks::{Webhook, WebhookId};
use switchboard_ports::DeliveryRecord;
use switchboard_services::webhooks::CreatedWebhook as Created;

use crate::error::ApiError;
use crate::proto::v1::{CreatedWebhook, WebhookAttempt, WebhookDeliveryInfo, WebhookInfo};
use crate::routes::convert::time;

/// A webhook id from the path; one that does not parse is not found.
///
/// # Errors
/// [`ApiError::NotFound`].
pub fn webhook_id(raw: &str) -> Result<WebhookId, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound("webhook not found".to_owned()))
}

/// A webhook as the API shows it (never its secret).
pub fn info(w: &Webhook) -> WebhookInfo {
    WebhookInfo {
        id: w.id.to_string(),
        url: w.url.clone(),
        events: w.events.clone(),
        enabled: w.enabled,
        description: w.description.clone(),
        failing_since: w.failing_since.map(time).unwrap_or_default(),
        created_at: time(w.created_at),
        updated_at: time(w.updated_at),
    }
}

/// A webhook with the secret only this answer shows.
pub fn created(c: &Created) -> CreatedWebhook {
    CreatedWebhook { webhook: Some(info(&c.webhook)), secret: c.secret.clone() }
}

/// A delivery with its attempts.
pub fn delivery(r: &DeliveryRecord) -> WebhookDeliveryInfo {
    let d = &r.delivery;
    WebhookDeliveryInfo {
        id: d.id.to_string(),
        event_id: d.event_id.clone(),
        event_type: d.event_type.clone(),
        state: d.state.as_str().to_owned(),
        attempts: d.attempts,
        next_attempt_at: time(d.next_attempt_at),
        created_at: time(d.created_at),
        delivered_at: d.delivered_at.map(time).unwrap_or_default(),
        attempt_log: r
            .attempts
            .iter()
            .map(|a| WebhookAttempt {
                attempted_at: time(a.attempted_at),
                status_code: a.status_code.map_or(0, u32::from),
                error: a.error.clone().unwrap_or_default(),
                latency_ms: a.latency_ms,
            })
            .collect(),
    }
}
