//! `GET /api/api-keys`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::ApiKeyService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::ApiKeyList;
use crate::reply::Reply;
use crate::routes::convert;

/// The caller's API keys (never their secrets).
#[utoipa::path(
    get, operation_id = "list_api_keys", path = "/api/api-keys", tag = "api-keys", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Keys", body = Envelope<ApiKeyList>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    keys: web::Data<ApiKeyService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<ApiKeyList>, ApiError> {
    let list = keys.list(&caller.principal).await?;
    Ok(Reply::ok(ApiKeyList { api_keys: list.iter().map(convert::api_key).collect() }))
}
