//! `POST /api/auth/microsoft`

use actix_web::{HttpRequest, web};
use switchboard_ports::Ports;
use switchboard_services::{AuthService, MailService, MailServiceError};

use crate::auth::client_info;
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{MicrosoftAssertionRequest, MicrosoftSignIn};
use crate::reply::Reply;
use crate::routes::mail;

/// Signs in with a token Microsoft issued to a client of this API, with no Switchboard
/// password: the assertion is verified, the Switchboard account of that Microsoft user found
/// (or created, the first time), its Microsoft mailbox linked On-Behalf-Of, and Switchboard's
/// own token pair answered as `POST /api/auth/login` does. When Microsoft needs the user
/// first, the 409's `data` holds `{error, claims}` to pass to Microsoft's sign-in.
#[utoipa::path(
    post, operation_id = "sign_in_with_microsoft", path = "/api/auth/microsoft", tag = "auth",
    request_body = MicrosoftAssertionRequest,
    responses(
        (status = 200, description = "Signed in; the mailbox is linked", body = Envelope<MicrosoftSignIn>),
        (status = 401, description = "The assertion is not a valid Microsoft token for this API", body = ErrorEnvelope),
        (status = 409, description = "Microsoft needs the user to sign in or consent; `data` is a MailInteractionRequired", body = ErrorEnvelope),
        (status = 422, description = "Microsoft sign-in is not configured", body = ErrorEnvelope),
        (status = 502, description = "Microsoft failed", body = ErrorEnvelope),
    )
)]
pub async fn sign_in<P: Ports>(
    req: HttpRequest,
    auth: web::Data<AuthService<P>>,
    mail: web::Data<MailService<P>>,
    body: Payload<MicrosoftAssertionRequest>,
) -> Result<Reply<MicrosoftSignIn>, ApiError> {
    let assertion = body.into_inner().assertion;
    let signed_in = mail.sign_in_with_microsoft(&assertion).await.map_err(|e| match e {
        // No credential for this API: the same 401 as a wrong password, the reason logged.
        MailServiceError::InvalidAssertion(reason) => {
            tracing::debug!(%reason, "Microsoft assertion refused");
            ApiError::Unauthorized("invalid or expired Microsoft token".to_owned())
        }
        other => other.into(),
    })?;
    let pair = auth.sign_in_verified(signed_in.user_id, client_info(&req)).await?;
    let pair = crate::routes::convert::tokens(pair);
    Ok(Reply::ok(MicrosoftSignIn {
        access_token: pair.access_token,
        token_type: pair.token_type,
        expires_in: pair.expires_in,
        refresh_token: pair.refresh_token,
        created_user: signed_in.created_user,
        linked: Some(mail::linked(&signed_in.linked)),
    }))
}
