//! `GET /api/auth/sessions`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::AuthService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::SessionList;
use crate::reply::Reply;
use crate::routes::convert;

/// The caller's active sessions, newest first.
#[utoipa::path(
    get, operation_id = "sessions", path = "/api/auth/sessions", tag = "auth", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Sessions", body = Envelope<SessionList>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn sessions<P: Ports>(
    auth: web::Data<AuthService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<SessionList>, ApiError> {
    let current = caller.principal.session();
    let list = auth.sessions(&caller.principal).await?;
    Ok(Reply::ok(SessionList {
        sessions: list.iter().map(|s| convert::session(s, current)).collect(),
    }))
}
