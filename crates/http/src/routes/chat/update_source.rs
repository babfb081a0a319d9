//! `PATCH /api/chat/sources/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::{ChatService, SourceUpdate};

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{ChatSourceInfo, UpdateChatSourceRequest};
use crate::reply::Reply;

/// Changes one of the caller's sources' settings: `include_direct` follows (or unfollows) its
/// direct and group messages, those found already and those found later. A field left out
/// stays as it is.
#[utoipa::path(
    patch, operation_id = "update_chat_source", path = "/api/chat/sources/{id}", tag = "chat", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Chat source id")),
    request_body = UpdateChatSourceRequest,
    responses(
        (status = 200, description = "The source", body = Envelope<ChatSourceInfo>),
        (status = 404, description = "No such source of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
    body: Payload<UpdateChatSourceRequest>,
) -> Result<Reply<ChatSourceInfo>, ApiError> {
    let id = super::source_id(&id)?;
    let update = SourceUpdate { include_direct: body.into_inner().include_direct };
    let source = chat.update_source(&caller.principal, id, update).await?;
    Ok(Reply::ok(super::source(&source)))
}
