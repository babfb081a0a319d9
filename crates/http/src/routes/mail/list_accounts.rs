//! `GET /api/mail/accounts`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::MailAccountList;
use crate::reply::Reply;

/// The caller's linked mailboxes, oldest first, with their status and sync progress.
#[utoipa::path(
    get, operation_id = "list_mail_accounts", path = "/api/mail/accounts", tag = "mail", security(("bearer" = ["read"])),
    responses(
        (status = 200, description = "Accounts", body = Envelope<MailAccountList>),
        (status = 401, description = "Not signed in", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
) -> Result<Reply<MailAccountList>, ApiError> {
    let accounts = mail.accounts(&caller.principal).await?;
    Ok(Reply::ok(MailAccountList { accounts: accounts.iter().map(super::account).collect() }))
}
