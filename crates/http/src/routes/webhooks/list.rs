//! `GET /api/webhooks`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;

use crate::auth::{Caller, Read};
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::proto::v1::WebhookList;
use crate::reply::Reply;

/// The caller's webhooks, oldest first.
#[utoipa::path(
    get, operation_id = "list_webhooks", path = "/api/webhooks", tag = "webhooks", security(("bearer" = ["read"])),
    responses((status = 200, description = "The webhooks", body = Envelope<WebhookList>))
)]
pub async fn list<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<WebhookList>, ApiError> {
    let found = webhooks.list(&caller.principal).await?;
    Ok(Reply::ok(WebhookList { webhooks: found.iter().map(super::info).collect() }))
}
