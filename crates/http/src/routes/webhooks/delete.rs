//! `DELETE /api/webhooks/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::WebhookList;
use crate::reply::Reply;

/// Deletes one of the caller's webhooks, with its pending deliveries and its secret.
#[utoipa::path(
    delete, operation_id = "delete_webhook", path = "/api/webhooks/{id}", tag = "webhooks", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Deleted", body = Envelope<WebhookList>),
        (status = 404, description = "No such webhook of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn delete<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<WebhookList>, ApiError> {
    webhooks.delete(&caller.principal, super::webhook_id(&id)?).await?;
    Ok(Reply::ok(WebhookList::default()).with_message("deleted"))
}
