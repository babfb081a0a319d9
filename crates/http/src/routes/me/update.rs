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

/// Changes the display name and, given the current password, the password (which revokes
/// every other session).
#[utoipa::path(
    patch, operation_id = "update_me", path = "/api/me", tag = "me", security(("bearer" = ["write"])), request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The account", body = Envelope<User>),
        (status = 503, description = "Password hashing saturated; see Retry-After", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    accounts: web::Data<AccountService<P>>,
    caller: Caller<P, Write>,
    body: Payload<UpdateMeRequest>,
) -> Result<Reply<User>, ApiError> {
    let body = body.into_inner();
    let change = body.password_change;
    let password = change.as_ref().map(|c| (c.current_password.as_str(), c.new_password.clone()));
    let user = accounts
        .update_me(&caller.principal, body.display_name.as_deref(), password)
        .await
        .map_err(|e| {
            // The password fields sit inside `password_change` here.
            let field = match e {
                AccountError::InvalidPassword(_) => "password_change.new_password",
                AccountError::WrongPassword => "password_change.current_password",
                other => return other.into(),
            };
            ApiError::Validation(vec![FieldError::new(field, "invalid", e.to_string())])
        })?;
    Ok(Reply::ok(convert::user(&user)))
}
