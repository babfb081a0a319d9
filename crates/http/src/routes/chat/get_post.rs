//! `GET /api/chat/posts/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ChatService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ChatPostThread;
use crate::reply::Reply;

/// One of the caller's posts in full, with its thread: its root when it is a reply, the
/// thread's reply count and latest 50 replies, newest first. A deleted post is not found.
/// Protobuf: `switchboard.v1.ChatPostThread`.
#[utoipa::path(
    get, operation_id = "get_chat_post", path = "/api/chat/posts/{id}", tag = "chat", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Post id (a page's `id`)")),
    responses(
        (status = 200, description = "The post and its thread", body = Envelope<ChatPostThread>),
        (status = 404, description = "No such post of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    chat: web::Data<ChatService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<ChatPostThread>, ApiError> {
    let key = super::post_ref::parse_post_id(&id)?;
    let thread = chat.post(&caller.principal, key).await?;
    Ok(Reply::ok(super::post_thread(&thread)))
}
