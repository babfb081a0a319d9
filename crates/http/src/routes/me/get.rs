//! `GET /api/me`

use switchboard_ports::Ports;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::User;
use crate::reply::Reply;
use crate::routes::convert;

/// The caller's account.
#[utoipa::path(
    get, operation_id = "get_me", path = "/api/me", tag = "me", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "The account", body = Envelope<User>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(caller: Caller<P, Read>) -> Result<Reply<User>, ApiError> {
    // The account was read with the credential, in this request: no second query.
    Ok(Reply::ok(convert::user(&caller.principal.user)))
}
