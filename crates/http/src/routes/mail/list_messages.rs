//! `GET /api/mail/messages`

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use switchboard_domain::mail::MessageQuery;
use switchboard_ports::Ports;
use switchboard_services::MailService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::kept_replies::{KeptReplies, ReplyKey};
use crate::proto::v1::MailMessagePage;
use crate::query::Query;

/// The longest search accepted, in characters.
pub const Q_MAX_CHARS: usize = 200;

/// Filters and paging of one mailbox's messages.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessagesParams {
    /// The mail account.
    #[param(required = true, value_type = String, format = Uuid)]
    pub account_id: Option<String>,
    /// Only messages in this folder or label.
    #[param(format = Uuid)]
    pub folder_id: Option<String>,
    /// Only messages of this conversation (a thread's `id`).
    pub thread_id: Option<String>,
    /// Only messages from this sender's address (case-insensitive).
    pub from: Option<String>,
    /// Only unread (`true`) or read (`false`) messages.
    pub unread: Option<bool>,
    /// Only messages with (`true`) or without (`false`) attachments.
    pub has_attachments: Option<bool>,
    /// Only messages received at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Only messages received before this time (RFC 3339).
    #[param(format = DateTime)]
    pub until: Option<String>,
    /// Words to find in the subject, the sender or the body.
    #[param(min_length = 1, max_length = 200)]
    pub q: Option<String>,
    /// Continue after this cursor (`next_cursor` of the previous page).
    pub cursor: Option<String>,
    /// At most this many messages (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A page of one of the caller's mailboxes, newest first, narrowed by the filters given.
#[utoipa::path(
    get, operation_id = "list_mail_messages", path = "/api/mail/messages", tag = "mail", security(("bearer" = ["read"])),
    params(MessagesParams),
    responses(
        (status = 200, description = "A page of messages", body = Envelope<MailMessagePage>),
        (status = 404, description = "No such account or folder of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A parameter that is not valid (an id, a time, `q`, `cursor`, `limit`), named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    mail: web::Data<MailService<P>>,
    caller: Caller<P, Read>,
    params: Query<MessagesParams>,
    replies: web::Data<KeptReplies>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let account =
        super::id_field("account_id", super::required("account_id", p.account_id.as_deref())?)?;
    let q = p.q.map(|q| search(&q)).transpose()?;
    let query = MessageQuery {
        account,
        folder: super::optional_id("folder_id", p.folder_id.as_deref())?,
        thread: p.thread_id.filter(|t| !t.is_empty()),
        from: p.from.filter(|f| !f.is_empty()),
        unread: p.unread,
        has_attachments: p.has_attachments,
        since: super::instant("since", p.since.as_deref())?,
        until: super::instant("until", p.until.as_deref())?,
        q,
        after: super::cursor::parse_message(p.cursor.as_deref())?,
        limit: super::page_size(p.limit)?,
    };
    let read = mail.versioned_messages(&caller.principal, query.clone()).await?;
    Ok(replies.ok(&req, ReplyKey::Messages(query), &read, |page| MailMessagePage {
        messages: page.messages.iter().map(super::summary).collect(),
        next_cursor: page.next.map(super::cursor::message).unwrap_or_default(),
    }))
}

/// A search of 1 to [`Q_MAX_CHARS`] characters, not blank.
fn search(q: &str) -> Result<String, ApiError> {
    let chars = q.chars().count();
    if q.trim().is_empty() || chars > Q_MAX_CHARS {
        return Err(ApiError::Validation(vec![FieldError::new(
            "q",
            "out_of_range",
            format!("q must be 1 to {Q_MAX_CHARS} characters, not blank"),
        )]));
    }
    Ok(q.to_owned())
}
