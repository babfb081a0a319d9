//! `GET /api/stats/representative_messages/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::{RepresentativeMessage, RepresentativeMessages};
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// The most representative posts of one of the caller's channels over the past day (LexRank,
/// redundancy removed; at most 5, in time order). Stored; recomputed when posts arrive.
/// Protobuf: `switchboard.v1.RepresentativeMessages`.
#[utoipa::path(
    get, operation_id = "representative_messages", path = "/api/stats/representative_messages/{channel_id}", tag = "stats",
    security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Posts", body = Envelope<Vec<RepresentativeMessage>>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn representative<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<RepresentativeMessages>, ApiError> {
    let channel = channel_id(&id)?;
    let stored = stats.channel_stats(caller.principal.user_id, channel).await?;
    Ok(Reply::ok(super::messages(stored.stats.representative)))
}
