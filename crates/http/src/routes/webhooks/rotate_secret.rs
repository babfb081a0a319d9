//! `POST /api/webhooks/{id}/rotate-secret`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::CreatedWebhook;
use crate::reply::Reply;

/// Gives one of the caller's webhooks a new signing secret, shown in this answer only; every
/// delivery sent from now on (retries included) is signed with it.
#[utoipa::path(
    post, operation_id = "rotate_webhook_secret", path = "/api/webhooks/{id}/rotate-secret", tag = "webhooks", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook and its new secret, shown once", body = Envelope<CreatedWebhook>),
        (status = 404, description = "No such webhook of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn rotate<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<CreatedWebhook>, ApiError> {
    let rotated = webhooks.rotate_secret(&caller.principal, super::webhook_id(&id)?).await?;
    Ok(Reply::ok(super::created(&rotated)))
}
