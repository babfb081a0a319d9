//! `DELETE /api/chat/sources/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ChatSourceList;
use crate::reply::Reply;

/// Disconnects one of the caller's sources: its channels, posts and token are deleted and it
/// is no longer synced.
#[utoipa::path(
    delete, operation_id = "delete_chat_source", path = "/api/chat/sources/{id}", tag = "chat", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Chat source id")),
    responses(
        (status = 200, description = "Deleted", body = Envelope<ChatSourceList>),
        (status = 404, description = "No such source of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn delete<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<ChatSourceList>, ApiError> {
    chat.delete(&caller.principal, super::source_id(&id)?).await?;
    Ok(Reply::ok(ChatSourceList::default()).with_message("deleted"))
}
