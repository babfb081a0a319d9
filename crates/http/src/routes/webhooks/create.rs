//! `POST /api/webhooks`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;
use switchboard_services::webhooks::NewWebhook;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{CreateWebhookRequest, CreatedWebhook};
use crate::reply::Reply;

/// Creates a webhook for the caller. Its signing secret is in this answer only (rotate it to
/// get a new one). The URL must be https (unless the server allows http) and resolve to
/// public addresses only.
#[utoipa::path(
    post, operation_id = "create_webhook", path = "/api/webhooks", tag = "webhooks", security(("bearer" = ["write"])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "The webhook and its secret, shown once", body = Envelope<CreatedWebhook>),
        (status = 422, description = "A bad URL (not https, a private address), unknown events or a too long description", body = ErrorEnvelope),
    )
)]
pub async fn create<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Write>,
    body: Payload<CreateWebhookRequest>,
) -> Result<Reply<CreatedWebhook>, ApiError> {
    let body = body.into_inner();
    let request = NewWebhook {
        url: body.url,
        events: body.events,
        enabled: body.enabled,
        description: body.description,
    };
    let created = webhooks.create(&caller.principal, request).await?;
    Ok(Reply::created(super::created(&created)))
}
