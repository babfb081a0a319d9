//! `GET /api/mail/stats/top_senders`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::StatsService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::MailTopSenders;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::convert::time;
use crate::routes::mail::{id_field, instant, required};

/// Which mailbox, since when.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TopSendersParams {
    /// The mail account.
    #[param(required = true, value_type = String, format = Uuid)]
    pub account_id: Option<String>,
    /// Count mail received since this RFC 3339 time (not in the future; at most 30 days ago,
    /// an older time counts from 30 days ago). Default: the past 30 days.
    #[param(format = DateTime)]
    pub since: Option<String>,
}

/// Who sent one of the caller's mailboxes the most mail: address (lowercase), display name and
/// message count, busiest first, at most 10. Without `since`, the past 30 days, stored and
/// recomputed as messages arrive; with it, counted on request.
#[utoipa::path(
    get, operation_id = "mail_top_senders", path = "/api/mail/stats/top_senders", tag = "mail", security(("bearer" = ["read"])),
    params(TopSendersParams),
    responses(
        (status = 200, description = "Senders, busiest first", body = Envelope<MailTopSenders>),
        (status = 404, description = "No such account of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A parameter that is not valid, or `since` in the future", body = ErrorEnvelope),
    )
)]
pub async fn top_senders<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    params: Query<TopSendersParams>,
) -> Result<Reply<MailTopSenders>, ApiError> {
    let p = params.into_inner();
    let account = id_field("account_id", required("account_id", p.account_id.as_deref())?)?;
    let since = instant("since", p.since.as_deref())?;
    let (start, top) = stats.mail_top_senders(caller.principal.user_id, account, since).await?;
    Ok(Reply::ok(MailTopSenders { senders: super::senders(top), since: time(start) }))
}
