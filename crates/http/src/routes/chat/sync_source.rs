//! `POST /api/chat/sources/{id}/sync`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ChatSyncRequested;
use crate::reply::Reply;

/// Asks for a sync of one of the caller's sources now (at most one waits per source).
#[utoipa::path(
    post, operation_id = "sync_chat_source", path = "/api/chat/sources/{id}/sync", tag = "chat", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Chat source id")),
    responses(
        (status = 202, description = "A sync is waiting", body = Envelope<ChatSyncRequested>),
        (status = 404, description = "No such source of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn sync<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<ChatSyncRequested>, ApiError> {
    let enqueued = chat.request_sync(&caller.principal, super::source_id(&id)?).await?;
    Ok(Reply::accepted(ChatSyncRequested { enqueued }))
}
