//! `GET /api/stats/pulse/{channel_id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::{Pulse, PulsePoint};
use crate::reply::Reply;
use crate::routes::chat::channel_id;

/// How busy one of the caller's channels was: one point per hour over the last seven days, as
/// `GET /api/stats/pulse`. Protobuf: `switchboard.v1.Pulse`.
#[utoipa::path(
    get, operation_id = "channel_pulse", path = "/api/stats/pulse/{channel_id}", tag = "stats", security(("bearer" = ["read"])),
    params(("channel_id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Hourly points, oldest first", body = Envelope<Vec<PulsePoint>>),
        (status = 404, description = "No such channel of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn pulse<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<Pulse>, ApiError> {
    let channel = channel_id(&id)?;
    let points = stats.channel_pulse(caller.principal.user_id, channel).await?;
    Ok(Reply::ok(Pulse { points: super::pulse_points(&points) }))
}
