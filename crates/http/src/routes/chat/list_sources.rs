//! `GET /api/chat/sources`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::ChatSourceList;
use crate::reply::Reply;

/// The caller's chat sources, with their status and sync progress.
#[utoipa::path(
    get, operation_id = "list_chat_sources", path = "/api/chat/sources", tag = "chat", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Sources", body = Envelope<ChatSourceList>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<ChatSourceList>, ApiError> {
    let sources = chat.list(&caller.principal).await?;
    Ok(Reply::ok(ChatSourceList { sources: sources.iter().map(super::source).collect() }))
}
