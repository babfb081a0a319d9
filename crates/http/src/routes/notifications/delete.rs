//! `DELETE /api/notifications/{id}`

use actix_web::web;
use switchboard_domain::notifications::NotificationId;
use switchboard_ports::Ports;
use switchboard_services::NotificationService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::NotificationDeleted;
use crate::reply::Reply;

/// Deletes one of the caller's notifications (404 for anyone else's).
#[utoipa::path(
    delete, operation_id = "delete_notification", path = "/api/notifications/{id}", tag = "notifications", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Notification id")),
    responses(
        (status = 200, description = "Deleted", body = Envelope<NotificationDeleted>),
        (status = 404, description = "No such notification of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn delete<P: Ports>(
    notifications: web::Data<NotificationService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<NotificationDeleted>, ApiError> {
    let id: NotificationId =
        id.parse().map_err(|_| ApiError::NotFound("no such notification".to_owned()))?;
    notifications.delete(&caller.principal, id).await?;
    Ok(Reply::ok(NotificationDeleted { id: id.to_string() }).with_message("deleted"))
}
