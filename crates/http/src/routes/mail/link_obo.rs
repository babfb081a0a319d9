//! `POST /api/mail/link/microsoft/obo`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{MailLinked, MicrosoftAssertionRequest};
use crate::reply::Reply;

/// Links the caller's Microsoft mailbox with a token Microsoft issued to a client for this
/// API (On-Behalf-Of): the assertion is verified (signature from the tenant's keys, audience,
/// issuer, expiry), then exchanged for Graph tokens. When Microsoft needs the user first, the
/// 409's `errors[0].code` is `interaction_required` or `consent_required` and its `data` holds
/// `{error, claims}` to pass to Microsoft's sign-in.
#[utoipa::path(
    post, operation_id = "mail_link_microsoft_obo", path = "/api/mail/link/microsoft/obo", tag = "mail", security(("bearer" = ["write"])),
    request_body = MicrosoftAssertionRequest,
    responses(
        (status = 200, description = "Linked; the first sync is enqueued", body = Envelope<MailLinked>),
        (status = 409, description = "Microsoft needs the user to sign in or consent; `data` is a MailInteractionRequired", body = ErrorEnvelope),
        (status = 422, description = "The assertion is not a valid token for this API, or Microsoft is not configured", body = ErrorEnvelope),
        (status = 502, description = "Microsoft failed", body = ErrorEnvelope),
    )
)]
pub async fn obo<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    body: Payload<MicrosoftAssertionRequest>,
) -> Result<Reply<MailLinked>, ApiError> {
    let linked = mail.link_on_behalf_of(&caller.principal, &body.into_inner().assertion).await?;
    Ok(Reply::ok(super::linked(&linked)))
}
