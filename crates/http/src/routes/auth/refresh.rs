//! `POST /api/auth/refresh`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::AuthService;

use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{RefreshRequest, TokenPair};
use crate::reply::Reply;
use crate::routes::convert;

/// Rotates a refresh token. A token used twice revokes its whole session.
#[utoipa::path(
    post, operation_id = "refresh", path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = Envelope<TokenPair>),
        (status = 401, description = "Unknown, used or expired refresh token", body = ErrorEnvelope),
    )
)]
pub async fn refresh<P: Ports>(
    auth: web::Data<AuthService<P>>,
    body: Payload<RefreshRequest>,
) -> Result<Reply<TokenPair>, ApiError> {
    let pair = auth.refresh(&body.into_inner().refresh_token).await?;
    Ok(Reply::ok(convert::tokens(pair)))
}
