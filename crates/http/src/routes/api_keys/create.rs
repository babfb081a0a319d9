//! `POST /api/api-keys`

use actix_web::web;
use chrono::{DateTime, Utc};
use switchboard_ports::Ports;
use switchboard_services::ApiKeyService;

use crate::auth::{Caller, SignedIn};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{CreateApiKeyRequest, CreatedApiKey};
use crate::reply::Reply;
use crate::routes::convert;

/// Creates an API key; the whole key is in this answer only. Needs a signed-in session (an
/// access token): an API key, whatever its scopes, cannot create keys.
#[utoipa::path(
    post, operation_id = "create_api_key", path = "/api/api-keys", tag = "api-keys", security(("bearer" = ["write"])),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "The key, shown once", body = Envelope<CreatedApiKey>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
        (status = 403, description = "An API key, not a signed-in session", body = ErrorEnvelope),
    )
)]
pub async fn create<P: Ports>(
    keys: web::Data<ApiKeyService<P>>,
    caller: Caller<P, SignedIn>,
    body: Payload<CreateApiKeyRequest>,
) -> Result<Reply<CreatedApiKey>, ApiError> {
    let body = body.into_inner();
    let expires_at = body
        .expires_at
        .map(|t| {
            DateTime::parse_from_rfc3339(&t).map(|t| t.with_timezone(&Utc)).map_err(|e| {
                ApiError::Validation(vec![FieldError::new("expires_at", "invalid", e.to_string())])
            })
        })
        .transpose()?;
    let created = keys.create(&caller.principal, &body.name, &body.scopes, expires_at).await?;
    Ok(Reply::created(CreatedApiKey {
        api_key: Some(convert::api_key(&created.key)),
        key: created.secret,
    }))
}
