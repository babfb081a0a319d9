//! `POST /api/auth/login`

use actix_web::{HttpRequest, web};
use switchboard_ports::Ports;
use switchboard_services::AuthService;

use crate::auth::client_info;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{LoginRequest, TokenPair};
use crate::reply::Reply;
use crate::routes::convert;

/// Exchanges email and password for an access token and a refresh token.
#[utoipa::path(
    post, operation_id = "login", path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Envelope<TokenPair>),
        (status = 401, description = "Wrong email or password", body = ErrorEnvelope),
        (status = 429, description = "Throttled; see Retry-After", body = ErrorEnvelope),
        (status = 503, description = "Password hashing saturated; see Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn login<P: Ports>(
    req: HttpRequest,
    auth: web::Data<AuthService<P>>,
    body: Payload<LoginRequest>,
) -> Result<Reply<TokenPair>, ApiError> {
    let body = body.into_inner();
    let pair = auth.login(&body.email, &body.password, client_info(&req)).await?;
    Ok(Reply::ok(convert::tokens(pair)))
}
