//! `GET /api/mail/threads/{id}`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::MailThread;
use crate::query::Query;
use crate::reply::Reply;

/// Which mailbox the conversation is in, when the caller has several.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadParams {
    /// The mail account (a conversation id is unique within one mailbox).
    #[param(format = Uuid)]
    pub account_id: Option<String>,
}

/// One of the caller's conversations: its stored messages, oldest first.
#[utoipa::path(
    get, operation_id = "get_mail_thread", path = "/api/mail/threads/{id}", tag = "mail", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Conversation id (a thread's `id`)"), ThreadParams),
    responses(
        (status = 200, description = "The conversation", body = Envelope<MailThread>),
        (status = 404, description = "No such conversation of the caller's", body = ErrorEnvelope),
    )
)]
pub async fn get<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
    params: Query<ThreadParams>,
) -> Result<Reply<MailThread>, ApiError> {
    let account = super::optional_id("account_id", params.account_id.as_deref())?;
    let messages = mail.thread(&caller.principal, &id, account).await?;
    Ok(Reply::ok(MailThread {
        id: id.into_inner(),
        messages: messages.iter().map(super::message).collect(),
    }))
}
