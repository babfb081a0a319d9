//! `GET /api/chat/channels`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::ChatChannelList;
use crate::reply::Reply;

/// The channels of the caller's sources, by name.
#[utoipa::path(
    get, operation_id = "list_chat_channels", path = "/api/chat/channels", tag = "chat", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Channels", body = Envelope<ChatChannelList>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<ChatChannelList>, ApiError> {
    let channels = chat.channels(&caller.principal).await?;
    Ok(Reply::ok(ChatChannelList { channels: channels.iter().map(super::channel).collect() }))
}
