//! `POST /api/mail/stats/digest`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::StatsService;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::payload::Payload;
use crate::proto::v1::{MailDigest, MailDigestMessage, MailDigestRequest};
use crate::reply::Reply;
use crate::routes::convert::time;
use crate::routes::mail::id_field;

/// What arrived in one of the caller's mailboxes since `time` (at most 30 days ago): how many
/// messages, the phrases of their subjects and texts that stand out against the week before,
/// the top senders and the most representative messages (quotes and signatures left out).
/// Computed on request from at most the window's latest 10,000 messages; changes nothing (read
/// scope).
#[utoipa::path(
    post, operation_id = "mail_digest", path = "/api/mail/stats/digest", tag = "mail", security(("bearer" = ["read"])),
    request_body = MailDigestRequest,
    responses(
        (status = 200, description = "The digest", body = Envelope<MailDigest>),
        (status = 404, description = "No such account of the caller's", body = ErrorEnvelope),
        (status = 422, description = "`account_id` or `time` missing or not valid, or `time` in the future", body = ErrorEnvelope),
    )
)]
pub async fn digest<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    body: Payload<MailDigestRequest>,
) -> Result<Reply<MailDigest>, ApiError> {
    let body = body.into_inner();
    let account = id_field("account_id", &body.account_id)?;
    let since = crate::routes::stats::since(&body.time)?;
    let (start, digest) = stats.mail_digest(caller.principal.user_id, account, since).await?;
    Ok(Reply::ok(MailDigest {
        since: time(start),
        messages: digest.messages,
        hot_topics: digest.hot_topics,
        top_senders: super::senders(digest.top_senders),
        representative: digest
            .representative
            .into_iter()
            .map(|m| MailDigestMessage {
                message_id: m.message_id.to_string(),
                thread_id: m.thread_key,
                from_address: m.from_address,
                from_name: m.from,
                subject: m.subject,
                text: m.text,
                received_at: time(m.received_at),
            })
            .collect(),
    }))
}
