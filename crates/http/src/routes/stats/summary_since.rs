//! `POST /api/stats/summary/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{ChannelSummary, StatsSinceRequest};
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// A summary of one of the caller's channels since `time` (at most 30 days ago: an older time
/// counts from 30 days ago; a future time gives an empty summary). Computed on request from
/// at most the window's latest 10,000 posts; changes nothing (read scope).
#[utoipa::path(
    post, operation_id = "summary_since", path = "/api/stats/summary/{channel_id}", tag = "stats", security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    request_body = StatsSinceRequest,
    responses(
        (status = 200, description = "The summary", body = Envelope<ChannelSummary>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
        (status = 422, description = "`time` missing or not ISO 8601", body = ErrorEnvelope),
    )
)]
pub async fn summary<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
    body: Payload<StatsSinceRequest>,
) -> Result<Reply<ChannelSummary>, ApiError> {
    let channel = channel_id(&id)?;
    let since = super::since(&body.into_inner().time)?;
    let summary = stats.summary_since(caller.principal.user_id, channel, since).await?;
    Ok(Reply::ok(ChannelSummary { summary }))
}
