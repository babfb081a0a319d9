//! `PATCH /api/webhooks/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;
use switchboard_services::webhooks::WebhookUpdate;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{UpdateWebhookRequest, WebhookInfo};
use crate::reply::Reply;

/// Changes one of the caller's webhooks; a field left out stays as it is. Turning a disabled
/// webhook on clears its failures and resumes its pending deliveries.
#[utoipa::path(
    patch, operation_id = "update_webhook", path = "/api/webhooks/{id}", tag = "webhooks", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Webhook id")),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "The webhook", body = Envelope<WebhookInfo>),
        (status = 404, description = "No such webhook of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A bad URL, unknown events or a too long description", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
    body: Payload<UpdateWebhookRequest>,
) -> Result<Reply<WebhookInfo>, ApiError> {
    let id = super::webhook_id(&id)?;
    let body = body.into_inner();
    let update = WebhookUpdate {
        url: body.url,
        events: (!body.events.is_empty()).then_some(body.events),
        enabled: body.enabled,
        description: body.description,
    };
    let webhook = webhooks.update(&caller.principal, id, update).await?;
    Ok(Reply::ok(super::info(&webhook)))
}
