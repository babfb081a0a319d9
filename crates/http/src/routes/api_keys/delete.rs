//! `DELETE /api/api-keys/{id}`

use actix_web::web;
use switchboard_domain::identity::ApiKeyId;
use switchboard_ports::Ports;
use switchboard_services::ApiKeyService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::ApiKeyList;
use crate::reply::Reply;

/// Revokes one of the caller's keys (404 for anyone else's).
#[utoipa::path(
    delete, operation_id = "delete_api_key", path = "/api/api-keys/{id}", tag = "api-keys", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "API key id")),
    responses(
        (status = 200, description = "Revoked", body = Envelope<ApiKeyList>),
        (status = 404, description = "No such key of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn delete<P: Ports>(
    keys: web::Data<ApiKeyService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<ApiKeyList>, ApiError> {
    let id: ApiKeyId = id.parse().map_err(|_| ApiError::NotFound("no such API key".to_owned()))?;
    keys.revoke(&caller.principal, id).await?;
    Ok(Reply::ok(ApiKeyList::default()).with_message("revoked"))
}
