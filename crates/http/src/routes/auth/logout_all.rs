//! `POST /api/auth/logout-all`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::AuthService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::LogoutResult;
use crate::reply::Reply;

/// Ends every session of the caller's user.
#[utoipa::path(
    post, operation_id = "logout_all", path = "/api/auth/logout-all", tag = "auth", security(("bearer" = ["write"])),
    responses(
        (status = 200, description = "Every session ended", body = Envelope<LogoutResult>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn logout_all<P: Ports>(
    auth: web::Data<AuthService<P>>,
    caller: Caller<P, Write>,
) -> Result<Reply<LogoutResult>, ApiError> {
    let revoked_sessions = auth.logout_all(&caller.principal).await?;
    Ok(Reply::ok(LogoutResult { revoked_sessions }))
}
