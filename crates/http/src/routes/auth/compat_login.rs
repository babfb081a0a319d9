//! `POST /api/auth`

use actix_web::{HttpRequest, web};
use switchboard_ports::Ports;
use switchboard_services::{AuthService, StatsService};

use crate::auth::client_info;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{CompatChannel, CompatLogin, CompatLoginRequest};
use crate::reply::Reply;
use crate::routes::stats::pulse_points;

/// The original backend's login, for old clients: `username` is the email. The same checks and
/// throttles as `POST /api/auth/login`; the answer adds the followed channels and their pulse
/// (as `GET /api/stats/pulse`), and the refresh token.
#[utoipa::path(
    post, operation_id = "compat_login", path = "/api/auth", tag = "auth", request_body = CompatLoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Envelope<CompatLogin>),
        (status = 401, description = "Wrong email or password", body = ErrorEnvelope),
        (status = 429, description = "Throttled; see Retry-After", body = ErrorEnvelope),
        (status = 503, description = "Password hashing saturated; see Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn login<P: Ports>(
    req: HttpRequest,
    auth: web::Data<AuthService<P>>,
    stats: web::Data<StatsService<P>>,
    body: Payload<CompatLoginRequest>,
) -> Result<Reply<CompatLogin>, ApiError> {
    let body = body.into_inner();
    let pair = auth.login(&body.username, &body.password, client_info(&req)).await?;
    let (channels, pulse) = futures_util::future::try_join(
        stats.followed_channels(pair.user_id),
        stats.pulse(pair.user_id),
    )
    .await?;
    Ok(Reply::ok(CompatLogin {
        token: pair.access_token,
        channels: channels
            .into_iter()
            .map(|c| CompatChannel { id: c.id.to_string(), name: c.name })
            .collect(),
        pulse: pulse_points(&pulse),
        refresh_token: pair.refresh_token,
        expires_in: pair.expires_in,
    }))
}
