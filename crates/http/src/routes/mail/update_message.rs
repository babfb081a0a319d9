//! `PATCH /api/mail/messages/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::payload::Payload;
use crate::proto::v1::{MailMessage, UpdateMailMessageRequest};
use crate::reply::Reply;

/// Marks one of the caller's messages read or unread, at the provider too. Needs
/// `mail.write_back` on this server (a 409 names it otherwise); a mailbox linked before it was
/// turned on must be linked again for the wider scope (`reauth_required`).
#[utoipa::path(
    patch, operation_id = "update_mail_message", path = "/api/mail/messages/{id}", tag = "mail", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Message id")),
    request_body = UpdateMailMessageRequest,
    responses(
        (status = 200, description = "The message", body = Envelope<MailMessage>),
        (status = 404, description = "No such message of the caller's", body = ErrorEnvelope),
        (status = 409, description = "Writing back is disabled (`mail.write_back`), or the mailbox must be linked again", body = ErrorEnvelope),
        (status = 502, description = "The provider failed", body = ErrorEnvelope),
    )
)]
pub async fn update<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
    body: Payload<UpdateMailMessageRequest>,
) -> Result<Reply<MailMessage>, ApiError> {
    let id = super::message_path(&id)?;
    let unread = body.into_inner().unread;
    let message = mail.set_unread(&caller.principal, id, unread).await?;
    Ok(Reply::ok(super::message(&message)))
}
