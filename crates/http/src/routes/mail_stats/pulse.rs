//! `GET /api/mail/stats/pulse`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::StatsService;
use switchboard_services::stats::MailPulseBucket;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::proto::v1::{Pulse, PulsePoint};
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::mail::{id_field, optional_id, required};
use crate::routes::stats::pulse_points;

/// Which mailbox, which folder, which buckets.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MailPulseParams {
    /// The mail account.
    #[param(required = true, value_type = String, format = Uuid)]
    pub account_id: Option<String>,
    /// Only mail that is in this folder or label.
    #[param(format = Uuid)]
    pub folder_id: Option<String>,
    /// `hour` (default): 168 hourly points over seven days; `day`: 30 daily points (UTC).
    #[param(pattern = "^(hour|day)$")]
    pub bucket: Option<String>,
}

fn bucket(raw: Option<&str>) -> Result<MailPulseBucket, ApiError> {
    match raw.unwrap_or("") {
        "" | "hour" => Ok(MailPulseBucket::Hour),
        "day" => Ok(MailPulseBucket::Day),
        _ => Err(ApiError::Validation(vec![FieldError::new(
            "bucket",
            "invalid",
            "bucket must be hour or day",
        )])),
    }
}

/// How much mail one of the caller's mailboxes received, as the chat pulse: one point per hour
/// over the last seven days (168, the last the current hour), or with `bucket=day` one per day
/// over the last 30 (UTC); `rate` = the bucket's messages / the busiest bucket's. Counted live
/// from the stored messages. Protobuf: `switchboard.v1.Pulse`.
#[utoipa::path(
    get, operation_id = "mail_pulse", path = "/api/mail/stats/pulse", tag = "mail", security(("bearer" = ["read"])),
    params(MailPulseParams),
    responses(
        (status = 200, description = "Points, oldest first", body = Envelope<Vec<PulsePoint>>),
        (status = 404, description = "No such account or folder of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A parameter that is not valid, named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn pulse<P: Ports>(
    stats: web::Data<StatsService<P>>,
    caller: Caller<P, Read>,
    params: Query<MailPulseParams>,
) -> Result<Reply<Pulse>, ApiError> {
    let p = params.into_inner();
    let account = id_field("account_id", required("account_id", p.account_id.as_deref())?)?;
    let folder = optional_id("folder_id", p.folder_id.as_deref())?;
    let bucket = bucket(p.bucket.as_deref())?;
    let points = stats.mail_pulse(caller.principal.user_id, account, folder, bucket).await?;
    Ok(Reply::ok(Pulse { points: pulse_points(&points) }))
}
