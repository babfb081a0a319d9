//! `GET /api/stats/hot_topics/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::HotTopics;
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// What one of the caller's channels talked about over the past day: phrases that stand out
/// against the week before, best first (at most 10). Stored; recomputed when posts arrive.
/// Protobuf: `switchboard.v1.HotTopics`.
#[utoipa::path(
    get, operation_id = "hot_topics", path = "/api/stats/hot_topics/{channel_id}", tag = "stats", security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Phrases", body = Envelope<Vec<String>>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn hot_topics<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<HotTopics>, ApiError> {
    let channel = channel_id(&id)?;
    let stored = stats.channel_stats(caller.principal.user_id, channel).await?;
    Ok(Reply::ok(HotTopics { phrases: stored.stats.hot_topics }))
}
