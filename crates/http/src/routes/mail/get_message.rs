//! `GET /api/mail/messages/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::MailMessage;
use crate::reply::Reply;

/// One of the caller's messages: headers, text and HTML bodies (read from the provider the
/// first time), and its attachments' descriptions.
#[utoipa::path(
    get, operation_id = "get_mail_message", path = "/api/mail/messages/{id}", tag = "mail", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Message id")),
    responses(
        (status = 200, description = "The message", body = Envelope<MailMessage>),
        (status = 404, description = "No such message of the caller's", body = ErrorEnvelope),
        (status = 409, description = "The mailbox must be linked again (`reauth_required`)", body = ErrorEnvelope),
        (status = 502, description = "The provider failed", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<MailMessage>, ApiError> {
    let message = mail.message(&caller.principal, super::message_path(&id)?).await?;
    Ok(Reply::ok(super::message(&message)))
}
