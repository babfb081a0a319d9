//! `PATCH /api/me`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::{AccountError, AccountService};

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{UpdateMeRequest, User};
use crate::reply::Reply;
use crate::routes::convert;

/// Changes the display name and, with the current password, the password (which revokes
/// every other session).
#[utoipa::path(
    patch, operation_id = "update_me", path = "/api/me", tag = "me", security(("bearer" = ["write"])), request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The account", body = Envelope<User>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
        (status = 503, description = "Password hashing saturated; see Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    accounts: web::Data<AccountService<P>>,
    caller: Caller<P, Write>,
    body: Payload<UpdateMeRequest>,
) -> Result<Reply<User>, ApiError> {
    let body = body.into_inner();
    let password = match (body.current_password.as_deref(), body.new_password) {
        (Some(current), Some(new)) => Some((current, new)),
        (None, None) => None,
        (None, Some(_)) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "current_password",
                "required",
                "needed to change the password",
            )]));
        }
        (Some(_), None) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "new_password",
                "required",
                "the new password is missing",
            )]));
        }
    };
    let user = accounts
        .update_me(&caller.principal, body.display_name.as_deref(), password)
        .await
        .map_err(|e| match e {
            // Here the refused password is the new one.
            AccountError::InvalidPassword(_) => ApiError::Validation(vec![FieldError::new(
                "new_password",
                "invalid",
                e.to_string(),
            )]),
            other => other.into(),
        })?;
    Ok(Reply::ok(convert::user(&user)))
}
