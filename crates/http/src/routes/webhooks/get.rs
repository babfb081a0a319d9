//! `GET /api/webhooks/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::WebhookInfo;
use crate::reply::Reply;

/// One of the caller's webhooks.
#[utoipa::path(
    get, operation_id = "get_webhook", path = "/api/webhooks/{id}", tag = "webhooks", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook", body = Envelope<WebhookInfo>),
        (status = 404, description = "No such webhook of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<WebhookInfo>, ApiError> {
    let webhook = webhooks.get(&caller.principal, super::webhook_id(&id)?).await?;
    Ok(Reply::ok(super::info(&webhook)))
}
