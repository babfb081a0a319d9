//! `PATCH /api/chat/channels/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{ChatChannelInfo, UpdateChatChannelRequest};
use crate::reply::Reply;

/// Follows or unfollows one of the caller's channels.
#[utoipa::path(
    patch, operation_id = "update_chat_channel", path = "/api/chat/channels/{id}", tag = "chat", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Channel id")),
    request_body = UpdateChatChannelRequest,
    responses(
        (status = 200, description = "The channel", body = Envelope<ChatChannelInfo>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
    body: Payload<UpdateChatChannelRequest>,
) -> Result<Reply<ChatChannelInfo>, ApiError> {
    let id = super::channel_id(&id)?;
    let followed = body.into_inner().followed;
    let channel = chat.set_followed(&caller.principal, id, followed).await?;
    Ok(Reply::ok(super::channel(&channel)))
}
