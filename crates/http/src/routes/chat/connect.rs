//! `POST /api/chat/sources`

use actix_web::web;
use switchboard_domain::chat::ChatProvider;
use switchboard_ports::Ports;
use switchboard_services::{ChatService, ConnectSource};

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{ChatSourceInfo, ConnectChatSourceRequest};
use crate::reply::Reply;

/// Connects a Slack workspace or a Mattermost server: the token is validated with the
/// provider first, then stored encrypted, and the first sync (a backfill) is enqueued.
#[utoipa::path(
    post, operation_id = "connect_chat_source", path = "/api/chat/sources", tag = "chat", security(("bearer" = ["write"])),
    request_body = ConnectChatSourceRequest,
    responses(
        (status = 201, description = "Connected; the backfill is enqueued", body = Envelope<ChatSourceInfo>),
        (status = 200, description = "The account was connected already: its source takes the new token", body = Envelope<ChatSourceInfo>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
        (status = 403, description = "The credential lacks the write scope", body = ErrorEnvelope),
        (status = 422, description = "A field is wrong: `kind`, `token` (missing, or refused by the provider), `base_url` (missing, malformed, a non-public address, no API answering there, unreachable)", body = ErrorEnvelope),
        (status = 429, description = "The provider is rate limiting", body = ErrorEnvelope),
        (status = 503, description = "The provider is failing (a server error, no answer in time); `Retry-After` when it said", body = ErrorEnvelope),
    )
)]
pub async fn connect<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Write>,
    body: Payload<ConnectChatSourceRequest>,
) -> Result<Reply<ChatSourceInfo>, ApiError> {
    let body = body.into_inner();
    let provider = match body.kind.as_str() {
        "slack" => ChatProvider::Slack,
        "mattermost" => ChatProvider::Mattermost,
        _ => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "kind",
                "invalid",
                "kind must be slack or mattermost",
            )]));
        }
    };
    let request = ConnectSource {
        provider,
        token: body.token,
        base_url: body.base_url,
        include_direct: body.include_direct,
    };
    let connected = chat.connect(&caller.principal, request).await?;
    let info = super::source(&connected.source);
    Ok(if connected.reconnected {
        Reply::ok(info).with_message("reconnected")
    } else {
        Reply::created(info)
    })
}
