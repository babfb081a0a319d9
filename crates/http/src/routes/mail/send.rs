//! `POST /api/mail/messages`

use actix_web::web;
use switchboard_domain::identity::EmailAddress;
use switchboard_domain::mail::MailAddress;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use switchboard_services::mail::SendMail;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{MailAddressInfo, MailSent, SendMailRequest};
use crate::reply::Reply;

/// Sends a message from one of the caller's mailboxes, or a reply to one of its messages
/// (`reply_to_message_id`). Needs `mail.send` on this server (a 409 names it otherwise); a
/// mailbox linked before it was turned on must be linked again for the wider scope
/// (`reauth_required`).
#[utoipa::path(
    post, operation_id = "send_mail", path = "/api/mail/messages", tag = "mail", security(("bearer" = ["write"])),
    request_body = SendMailRequest,
    responses(
        (status = 202, description = "Handed to the provider", body = Envelope<MailSent>),
        (status = 404, description = "No such account or message of the caller's", body = ErrorEnvelope),
        (status = 409, description = "Sending is disabled (`mail.send`), or the mailbox must be linked again", body = ErrorEnvelope),
        (status = 502, description = "The provider failed", body = ErrorEnvelope),
    )
)]
pub async fn send<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    body: Payload<SendMailRequest>,
) -> Result<Reply<MailSent>, ApiError> {
    let body = body.into_inner();
    let account_id = super::id_field("account_id", &body.account_id)?;
    let reply_to_message_id = super::optional_id("reply_to_message_id", body.reply_to_message_id.as_deref())?;
    if body.to.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "to",
            "required",
            "to must list at least one recipient",
        )]));
    }
    let request = SendMail {
        account_id,
        to: recipients("to", body.to)?,
        cc: recipients("cc", body.cc)?,
        subject: body.subject.filter(|s| !s.is_empty()),
        body: body.body,
        reply_to_message_id,
    };
    mail.send(&caller.principal, request).await?;
    Ok(Reply::accepted(MailSent { account_id: account_id.to_string() }))
}

/// The recipients of `field`, each with a valid address.
fn recipients(field: &str, list: Vec<MailAddressInfo>) -> Result<Vec<MailAddress>, ApiError> {
    let mut found = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (i, recipient) in list.into_iter().enumerate() {
        match EmailAddress::parse(&recipient.address) {
            Ok(address) => found.push(MailAddress {
                address: address.as_str().to_owned(),
                name: recipient.name.filter(|n| !n.trim().is_empty()),
            }),
            Err(e) => errors.push(FieldError::new(
                format!("{field}[{i}].address"),
                "invalid",
                e.to_string(),
            )),
        }
    }
    if errors.is_empty() { Ok(found) } else { Err(ApiError::Validation(errors)) }
}
