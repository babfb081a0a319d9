//! `POST /api/mail/link/complete`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{MailLinkCompleteRequest, MailLinked};
use crate::reply::Reply;

/// Completes a link the callback handed back as a one-time `code` (the browser that came back
/// was not known to be the starter's): only the user who started the authorization can, once,
/// within a few minutes.
#[utoipa::path(
    post, operation_id = "mail_link_complete", path = "/api/mail/link/complete", tag = "mail", security(("bearer" = ["write"])),
    request_body = MailLinkCompleteRequest,
    responses(
        (status = 200, description = "Linked; the first sync is enqueued", body = Envelope<MailLinked>),
        (status = 422, description = "The code is unknown, used, expired or not the caller's", body = ErrorEnvelope),
    )
)]
pub async fn complete<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    body: Payload<MailLinkCompleteRequest>,
) -> Result<Reply<MailLinked>, ApiError> {
    let linked = mail.complete_link(&caller.principal, &body.into_inner().code).await?;
    Ok(Reply::ok(super::linked(&linked)))
}
