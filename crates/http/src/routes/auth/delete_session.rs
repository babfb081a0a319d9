//! `DELETE /api/auth/sessions/{id}`

use actix_web::web;
use switchboard_domain::identity::SessionId;
use switchboard_ports::Ports;
use switchboard_services::AuthService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::LogoutResult;
use crate::reply::Reply;

/// Ends one of the caller's sessions (404 for anyone else's).
#[utoipa::path(
    delete, operation_id = "delete_session", path = "/api/auth/sessions/{id}", tag = "auth", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Session ended", body = Envelope<LogoutResult>),
        (status = 404, description = "No such session of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn delete_session<P: Ports>(
    auth: web::Data<AuthService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<LogoutResult>, ApiError> {
    let id: SessionId = id.parse().map_err(|_| ApiError::NotFound("no such session".to_owned()))?;
    auth.delete_session(&caller.principal, id).await?;
    Ok(Reply::ok(LogoutResult { revoked_sessions: 1 }))
}
