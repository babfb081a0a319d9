//! `PATCH /api/admin/users/{id}`

use actix_web::web;
use switchboard_domain::UserId;
use switchboard_domain::identity::Role;
use switchboard_ports::Ports;
use switchboard_services::AdminService;

use crate::auth::{AdminWrite, Caller};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{AdminUpdateUserRequest, User};
use crate::reply::Reply;
use crate::routes::convert;

/// Changes a user's role or disabled flag. Only a superadmin grants or removes admin rights;
/// the last superadmin stays; disabling revokes every session and key.
#[utoipa::path(
    patch, operation_id = "update_user", path = "/api/admin/users/{id}", tag = "admin", security(("bearer" = ["admin", "write"])),
    params(("id" = String, Path, description = "User id")), request_body = AdminUpdateUserRequest,
    responses(
        (status = 200, description = "The user", body = Envelope<User>),
        (status = 403, description = "Not allowed", body = ErrorEnvelope),
        (status = 404, description = "No such user", body = ErrorEnvelope),
    )
)]
pub async fn update_user<P: Ports>(
    admin: web::Data<AdminService<P>>,
    caller: Caller<P, AdminWrite>,
    id: Path<String>,
    body: Payload<AdminUpdateUserRequest>,
) -> Result<Reply<User>, ApiError> {
    let id: UserId = id.parse().map_err(|_| ApiError::NotFound("no such user".to_owned()))?;
    let body = body.into_inner();
    let role = body
        .role
        .map(|r| {
            r.parse::<Role>().map_err(|e| {
                ApiError::Validation(vec![FieldError::new("role", "invalid", e.to_string())])
            })
        })
        .transpose()?;
    let user = admin.update_user(&caller.principal, id, role, body.disabled).await?;
    Ok(Reply::ok(convert::user(&user)))
}
