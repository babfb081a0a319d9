//! `GET /api/chat/sources/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ChatSourceInfo;
use crate::reply::Reply;

/// One of the caller's sources: status, backfill progress, last sync, last error.
#[utoipa::path(
    get, operation_id = "get_chat_source", path = "/api/chat/sources/{id}", tag = "chat", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Chat source id")),
    responses(
        (status = 200, description = "The source", body = Envelope<ChatSourceInfo>),
        (status = 404, description = "No such source of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<ChatSourceInfo>, ApiError> {
    let source = chat.get(&caller.principal, super::source_id(&id)?).await?;
    Ok(Reply::ok(super::source(&source)))
}
