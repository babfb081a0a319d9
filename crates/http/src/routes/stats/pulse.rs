//! `GET /api/stats/pulse`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::{Pulse, PulsePoint};
use crate::reply::Reply;

/// How busy the caller's followed channels were, together: one point per hour over the last
/// seven days (168, the last the current hour), `rate` = the hour's posts / the busiest
/// hour's. Protobuf: `switchboard.v1.Pulse`.
#[utoipa::path(
    get, operation_id = "pulse_of_all_channels", path = "/api/stats/pulse", tag = "stats", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Hourly points, oldest first", body = Envelope<Vec<PulsePoint>>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn pulse<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<Pulse>, ApiError> {
    let points = stats.pulse(caller.principal.user_id).await?;
    Ok(Reply::ok(Pulse { points: super::pulse_points(&points) }))
}
