//! `POST /api/notifications/read`

use actix_web::web;
use switchboard_domain::notifications::NotificationId;
use switchboard_ports::Ports;
use switchboard_services::{NotificationService, ReadRequest};

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{MarkNotificationsReadRequest, MarkNotificationsReadResult};
use crate::reply::Reply;

/// The most ids one request marks.
pub const MAX_IDS: usize = 1000;

fn invalid(field: &str, code: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code, message)])
}

/// What the body asks to mark.
fn request(body: MarkNotificationsReadRequest) -> Result<ReadRequest, ApiError> {
    match (body.ids.is_empty(), body.up_to) {
        (false, Some(_)) => Err(invalid("up_to", "conflict", "give ids or up_to, not both")),
        (true, None) => Err(invalid("ids", "required", "give ids or up_to")),
        (true, Some(up_to)) => {
            if let Ok(id) = up_to.parse::<NotificationId>() {
                return Ok(ReadRequest::UpToId(id));
            }
            match super::cursor::parse("up_to", Some(up_to.as_str()))? {
                Some(cursor) => Ok(ReadRequest::UpTo(cursor)),
                None => Err(invalid("up_to", "invalid", "up_to must be an id or a cursor")),
            }
        }
        (false, None) => {
            if body.ids.len() > MAX_IDS {
                return Err(invalid("ids", "out_of_range", "at most 1000 ids"));
            }
            let ids = body.ids.iter().enumerate().map(|(i, id)| {
                id.parse::<NotificationId>()
                    .map_err(|_| invalid(&format!("ids[{i}]"), "invalid", "not a notification id"))
            });
            Ok(ReadRequest::Ids(ids.collect::<Result<_, _>>()?))
        }
    }
}

/// Marks the caller's notifications read: those of `ids`, or `up_to` (an id or a cursor) and
/// everything older. Unknown ids and other users' are ignored in `ids`; an `up_to` id that is
/// not the caller's is a 404.
#[utoipa::path(
    post, operation_id = "mark_notifications_read", path = "/api/notifications/read", tag = "notifications", security(("bearer" = ["write"])),
    request_body = MarkNotificationsReadRequest,
    responses(
        (status = 200, description = "How many were marked", body = Envelope<MarkNotificationsReadResult>),
        (status = 404, description = "`up_to` names no notification of the caller's", body = ErrorEnvelope),
        (status = 422, description = "Neither or both of `ids` and `up_to`, or one that is not valid, named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn mark_read<P: Ports>(
    notifications: web::Data<NotificationService<P>>,
    caller: Caller<P, Write>,
    body: Payload<MarkNotificationsReadRequest>,
) -> Result<Reply<MarkNotificationsReadResult>, ApiError> {
    let request = request(body.into_inner())?;
    let marked = notifications.mark_read(&caller.principal, request).await?;
    Ok(Reply::ok(MarkNotificationsReadResult { marked: u64::try_from(marked).unwrap_or(u64::MAX) }))
}
