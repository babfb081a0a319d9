//! `POST /api/mail/accounts/{id}/sync`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::MailService;

use crate::auth::{Caller, Write};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::MailSyncRequested;
use crate::reply::Reply;

/// Asks for a sync of one of the caller's mailboxes now (at most one waits per account).
#[utoipa::path(
    post, operation_id = "sync_mail_account", path = "/api/mail/accounts/{id}/sync", tag = "mail", security(("bearer" = ["write"])),
    params(("id" = String, Path, description = "Mail account id")),
    responses(
        (status = 202, description = "A sync is waiting", body = Envelope<MailSyncRequested>),
        (status = 404, description = "No such account of the caller's", body = ErrorEnvelope),
        (status = 409, description = "The mailbox must be linked again first (`reauth_required`)", body = ErrorEnvelope),
    )
)]
pub async fn sync<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Write>,
    id: Path<String>,
) -> Result<Reply<MailSyncRequested>, ApiError> {
    let enqueued = mail.request_sync(&caller.principal, super::account_path(&id)?).await?;
    Ok(Reply::accepted(MailSyncRequested { enqueued }))
}
