//! `DELETE /api/mail/accounts/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::MailAccountList;
use crate::reply::Reply;

/// Unlinks one of the caller's mailboxes: what the provider lets us revoke is revoked, its
/// tokens and stored mail are deleted, and the deletion is recorded.
#[utoipa::path(
    delete, operation_id = "delete_mail_account", path = "/api/mail/accounts/{id}", tag = "mail", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Mail account id")),
    responses(
        (status = 200, description = "Unlinked", body = Envelope<MailAccountList>),
        (status = 404, description = "No such account of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn delete<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<MailAccountList>, ApiError> {
    mail.unlink(&caller.principal, super::account_path(&id)?).await?;
    Ok(Reply::ok(MailAccountList::default()).with_message("deleted"))
}
