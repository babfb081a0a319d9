//! `GET /api/mail/accounts/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::MailAccountInfo;
use crate::reply::Reply;

/// One of the caller's mailboxes: status, sync progress, last sync, last error.
#[utoipa::path(
    get, operation_id = "get_mail_account", path = "/api/mail/accounts/{id}", tag = "mail", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Mail account id")),
    responses(
        (status = 200, description = "The account", body = Envelope<MailAccountInfo>),
        (status = 404, description = "No such account of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
) -> Result<Reply<MailAccountInfo>, ApiError> {
    let account = mail.account(&caller.principal, super::account_path(&id)?).await?;
    Ok(Reply::ok(super::account(&account)))
}
