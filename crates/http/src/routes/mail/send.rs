//! `POST /api/mail/messages`

use actix_web::web;
use switchboard_domain::mail::MailAddress;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use switchboard_services::mail::SendMail;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
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
        (status = 422, description = "No recipient, or one that is not an address (`to`, `cc`), or an id that is not one", body = ErrorEnvelope),
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
    let reply_to_message_id =
        super::optional_id("reply_to_message_id", body.reply_to_message_id.as_deref())?;
    let request = SendMail {
        account_id,
        to: recipients(body.to),
        cc: recipients(body.cc),
        subject: body.subject.unwrap_or_default(),
        body: body.body,
        reply_to_message_id,
    };
    mail.send(&caller.principal, request).await?;
    Ok(Reply::accepted(MailSent { account_id: account_id.to_string() }))
}

/// The recipients as the domain holds them; the service checks each is an address.
fn recipients(list: Vec<MailAddressInfo>) -> Vec<MailAddress> {
    list.into_iter()
        .map(|r| MailAddress {
            address: r.address.trim().to_owned(),
            name: r.name.filter(|n| !n.trim().is_empty()),
        })
        .collect()
}
