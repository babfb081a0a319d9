//! `POST /api/stats/representative_messages/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{RepresentativeMessage, RepresentativeMessages, StatsSinceRequest};
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// The most representative posts of one of the caller's channels since `time` (at most 30
/// days ago: an older time counts from 30 days ago; a future time gives `[]`). Computed on
/// request from at most the window's latest 10,000 posts; changes nothing (read scope).
/// Protobuf: `switchboard.v1.RepresentativeMessages`.
#[utoipa::path(
    post, operation_id = "representative_messages_since", path = "/api/stats/representative_messages/{channel_id}", tag = "stats",
    security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    request_body = StatsSinceRequest,
    responses(
        (status = 200, description = "Posts", body = Envelope<Vec<RepresentativeMessage>>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
        (status = 422, description = "`time` missing or not ISO 8601", body = ErrorEnvelope),
    )
)]
pub async fn representative<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
    body: Payload<StatsSinceRequest>,
) -> Result<Reply<RepresentativeMessages>, ApiError> {
    let channel = channel_id(&id)?;
    let since = super::since(&body.into_inner().time)?;
    let quotes = stats.representative_since(caller.principal.user_id, channel, since).await?;
    Ok(Reply::ok(super::messages(quotes)))
}
