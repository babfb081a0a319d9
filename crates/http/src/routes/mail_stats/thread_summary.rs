//! `GET /api/mail/threads/{id}/summary`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::{MailThreadExtract, MailThreadSentence};
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::convert::time;
use crate::routes::mail::get_thread::ThreadParams;
use crate::routes::mail::optional_id;

/// An extractive summary of one of the caller's conversations: its most central sentences (at
/// most 5), in time order, from what each message's author wrote: quoted replies (`On … wrote:`
/// blocks, `>` lines, Outlook's `From:`/`Sent:` header blocks) and signatures are left out first.
/// Stored, and computed again only when the conversation's messages change.
#[utoipa::path(
    get, operation_id = "get_mail_thread_summary", path = "/api/mail/threads/{id}/summary", tag = "mail", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Conversation id (a thread's `id`)"), ThreadParams),
    responses(
        (status = 200, description = "The summary", body = Envelope<MailThreadExtract>),
        (status = 404, description = "No such conversation of the caller's", body = ErrorEnvelope),
        (status = 422, description = "`account_id` is not an id", body = ErrorEnvelope),
    )
)]
pub async fn summary<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
    params: Query<ThreadParams>,
) -> Result<Reply<MailThreadExtract>, ApiError> {
    let account = optional_id("account_id", params.account_id.as_deref())?;
    let found = stats.mail_thread_summary(caller.principal.user_id, &id, account).await?;
    let summary = found.summary;
    Ok(Reply::ok(MailThreadExtract {
        id: id.into_inner(),
        account_id: found.account_id.to_string(),
        summary: summary.text(),
        messages: summary.messages,
        sentences: summary
            .sentences
            .into_iter()
            .map(|s| MailThreadSentence {
                text: s.text,
                message_id: s.message_id.to_string(),
                from: s.from,
                received_at: time(s.received_at),
            })
            .collect(),
    }))
}
