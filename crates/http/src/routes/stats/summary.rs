//! `GET /api/stats/summary/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ChannelSummary;
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// A summary of one of the caller's channels over the past day: its most central sentences
/// (LexRank; at most 5, in time order). Stored; recomputed when posts arrive.
#[utoipa::path(
    get, operation_id = "summary", path = "/api/stats/summary/{channel_id}", tag = "stats", security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The summary", body = Envelope<ChannelSummary>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn summary<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<ChannelSummary>, ApiError> {
    let channel = channel_id(&id)?;
    let stored = stats.channel_stats(caller.principal.user_id, channel).await?;
    Ok(Reply::ok(ChannelSummary { summary: stored.stats.summary }))
}
