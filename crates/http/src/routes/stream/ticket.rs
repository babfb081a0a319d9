//! `POST /api/stream/ticket`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StreamService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::StreamTicket;
use crate::reply::Reply;
use crate::routes::convert;

/// A short-lived, single-use ticket that opens the caller's stream
/// (`GET /api/stream?ticket=`), for clients such as a browser's `EventSource` that cannot send
/// an `Authorization` header.
#[utoipa::path(
    post, operation_id = "create_stream_ticket", path = "/api/stream/ticket", tag = "stream", security(("bearer" = ["read"])),
    responses(
        (status = 201, description = "The ticket, shown only here", body = Envelope<StreamTicket>),
        (status = 401, description = "Not authenticated", body = ErrorEnvelope),
    )
)]
pub async fn create<P: Ports>(
    stream: web::Data<StreamService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<StreamTicket>, ApiError> {
    let issued = stream.issue_ticket(caller.principal.user_id).await?;
    Ok(Reply::created(StreamTicket {
        ticket: issued.ticket,
        expires_at: convert::time(issued.expires_at),
    }))
}
