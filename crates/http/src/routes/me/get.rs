//! `GET /api/me`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::AccountService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::User;
use crate::reply::Reply;
use crate::routes::convert;

/// The caller's account.
#[utoipa::path(
    get, path = "/api/me", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = Envelope<User>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    accounts: web::Data<AccountService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<User>, ApiError> {
    Ok(Reply::ok(convert::user(&accounts.me(&caller.principal).await?)))
}
