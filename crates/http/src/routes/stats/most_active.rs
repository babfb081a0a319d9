//! `GET /api/stats/most_active/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::MostActive;
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// Who posted most in one of the caller's channels over the past day: display names, busiest
/// first (at most 10). Stored; recomputed when posts arrive. Protobuf:
/// `switchboard.v1.MostActive`.
#[utoipa::path(
    get, operation_id = "most_active", path = "/api/stats/most_active/{channel_id}", tag = "stats", security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Display names", body = Envelope<Vec<String>>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn most_active<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<MostActive>, ApiError> {
    let channel = channel_id(&id)?;
    let stored = stats.channel_stats(caller.principal.user_id, channel).await?;
    Ok(Reply::ok(MostActive { names: stored.stats.most_active }))
}
