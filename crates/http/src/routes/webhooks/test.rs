//! `POST /api/webhooks/{id}/test`

use actix_web::web;
use switchboard_ports::{DeliveryRecord, Ports};
use switchboard_services::WebhookService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::WebhookDeliveryInfo;
use crate::reply::Reply;

/// Queues a `webhook.test` delivery to one of the caller's webhooks, sent after those already
/// waiting (once the webhook is enabled); follow it in the deliveries listing.
#[utoipa::path(
    post, operation_id = "test_webhook", path = "/api/webhooks/{id}/test", tag = "webhooks", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "The queued delivery", body = Envelope<WebhookDeliveryInfo>),
        (status = 404, description = "No such webhook of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn test<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<WebhookDeliveryInfo>, ApiError> {
    let delivery = webhooks.test(&caller.principal, super::webhook_id(&id)?).await?;
    let record = DeliveryRecord { delivery, attempts: Vec::new() };
    Ok(Reply::accepted(super::delivery(&record)))
}
