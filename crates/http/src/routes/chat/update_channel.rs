//! `PATCH /api/chat/channels/{id}`

use actix_web::{HttpRequest, web};
use switchboard_ports::Ports;
use switchboard_services::{ChannelUpdate, ChatService};

use crate::auth::{Caller, Write};
use crate::encoding::Encoding;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{ChatChannelInfo, UpdateChatChannelRequest};
use crate::reply::Reply;

/// Changes one of the caller's channels: follows or unfollows it, counts its bots' posts in
/// most active and hot topics or not. A field left out stays as it is; in Protobuf an empty
/// body unfollows (how `followed: false` was encoded when it was the only field).
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
    req: HttpRequest,
    body: Payload<UpdateChatChannelRequest>,
) -> Result<Reply<ChatChannelInfo>, ApiError> {
    let id = super::channel_id(&id)?;
    let body = body.into_inner();
    let mut update = ChannelUpdate { followed: body.followed, include_bots: body.include_bots };
    // Protobuf sent `followed: false` as an empty body while it was the only field; in JSON an
    // empty object changes nothing.
    if update == ChannelUpdate::default() && Encoding::of_body(&req) == Some(Encoding::Protobuf) {
        update.followed = Some(false);
    }
    let channel = chat.update_channel(&caller.principal, id, update).await?;
    Ok(Reply::ok(super::channel(&channel)))
}
