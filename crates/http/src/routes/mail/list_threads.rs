//! `GET /api/mail/threads`

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use switchboard_domain::mail::ThreadQuery;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::kept_replies::{KeptReplies, ReplyKey};
use crate::proto::v1::MailThreadPage;
use crate::query::Query;

/// Filters and paging of one mailbox's conversations.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadsParams {
    /// The mail account.
    #[param(required = true, value_type = String, format = Uuid)]
    pub account_id: Option<String>,
    /// Only conversations with a message in this folder or label.
    #[param(format = Uuid)]
    pub folder_id: Option<String>,
    /// Only conversations with (`true`) or without (`false`) an unread message.
    pub unread: Option<bool>,
    /// Continue after this cursor (`next_cursor` of the previous page).
    pub cursor: Option<String>,
    /// At most this many conversations (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A page of one of the caller's mailboxes' conversations, newest activity first.
#[utoipa::path(
    get, operation_id = "list_mail_threads", path = "/api/mail/threads", tag = "mail", security(("bearer" = ["read"])),
    params(ThreadsParams),
    responses(
        (status = 200, description = "A page of conversations", body = Envelope<MailThreadPage>),
        (status = 404, description = "No such account or folder of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A parameter that is not valid, named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    params: Query<ThreadsParams>,
    replies: web::Data<KeptReplies>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let account =
        super::id_field("account_id", super::required("account_id", p.account_id.as_deref())?)?;
    let query = ThreadQuery {
        account,
        folder: super::optional_id("folder_id", p.folder_id.as_deref())?,
        unread: p.unread,
        after: super::cursor::parse_thread(p.cursor.as_deref())?,
        limit: super::page_size(p.limit)?,
    };
    let read = mail.versioned_threads(&caller.principal, query.clone()).await?;
    Ok(replies.ok(&req, ReplyKey::Threads(query), &read, |page| MailThreadPage {
        threads: page.threads.iter().map(super::thread_summary).collect(),
        next_cursor: page.next.as_ref().map(super::cursor::thread).unwrap_or_default(),
    }))
}
