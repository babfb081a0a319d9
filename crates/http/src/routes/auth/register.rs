//! `POST /api/auth/register`

use actix_web::{HttpRequest, web};
use switchboard_ports::Ports;
use switchboard_services::AccountService;

use crate::auth::client_info;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{RegisterRequest, User};
use crate::reply::Reply;
use crate::routes::convert;

/// Creates a member account.
#[utoipa::path(
    post, operation_id = "register", path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = Envelope<User>),
        (status = 409, description = "Email taken", body = ErrorEnvelope),
        (status = 429, description = "Too many registrations from this address", body = ErrorEnvelope),
        (status = 503, description = "Password hashing saturated; see Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn register<P: Ports>(
    req: HttpRequest,
    accounts: web::Data<AccountService<P>>,
    body: Payload<RegisterRequest>,
) -> Result<Reply<User>, ApiError> {
    let body = body.into_inner();
    let client = client_info(&req);
    let name = body.display_name.as_deref().unwrap_or_default();
    let user = accounts.register(&body.email, body.password, name, &client).await?;
    Ok(Reply::created(convert::user(&user)))
}
