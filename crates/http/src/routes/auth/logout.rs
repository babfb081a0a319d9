//! `POST /api/auth/logout`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::AuthService;

use crate::auth::Caller;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::LogoutResult;
use crate::reply::Reply;

/// Ends the caller's session.
#[utoipa::path(
    post, operation_id = "logout", path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed out", body = Envelope<LogoutResult>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn logout<P: Ports>(
    auth: web::Data<AuthService<P>>,
    caller: Caller<P>,
) -> Result<Reply<LogoutResult>, ApiError> {
    auth.logout(&caller.principal).await?;
    Ok(Reply::ok(LogoutResult { revoked_sessions: 1 }))
}
