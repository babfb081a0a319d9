//! `GET /api/mail/folders`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::MailFolderList;
use crate::query::Query;
use crate::reply::Reply;

/// Which mailbox.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FoldersParams {
    /// The mail account.
    #[param(required = true, value_type = String, format = Uuid)]
    pub account_id: Option<String>,
}

/// The folders (Outlook) or labels (Gmail) of one of the caller's mailboxes, parents before
/// children.
#[utoipa::path(
    get, operation_id = "list_mail_folders", path = "/api/mail/folders", tag = "mail", security(("bearer" = ["read"])),
    params(FoldersParams),
    responses(
        (status = 200, description = "Folders", body = Envelope<MailFolderList>),
        (status = 404, description = "No such account of the caller's", body = ErrorEnvelope),
        (status = 422, description = "`account_id` missing or not an id", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    params: Query<FoldersParams>,
) -> Result<Reply<MailFolderList>, ApiError> {
    let account = super::id_field(
        "account_id",
        super::required("account_id", params.account_id.as_deref())?,
    )?;
    let folders = mail.folders(&caller.principal, account).await?;
    Ok(Reply::ok(MailFolderList { folders: folders.iter().map(super::folder).collect() }))
}
