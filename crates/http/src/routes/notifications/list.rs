//! `GET /api/notifications`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::NotificationService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::proto::v1::NotificationPage;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::paging;

/// The most notifications a page holds.
pub const MAX_LIMIT: u32 = 100;

/// Filter and paging of the caller's notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationsParams {
    /// Only unread notifications (`true`); all of them otherwise.
    pub unread: Option<bool>,
    /// Continue after this cursor (`next_cursor` of the previous page).
    pub cursor: Option<String>,
    /// At most this many notifications (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A page of the caller's notifications, newest first.
#[utoipa::path(
    get, operation_id = "list_notifications", path = "/api/notifications", tag = "notifications", security(("bearer" = ["read"])),
    params(NotificationsParams),
    responses(
        (status = 200, description = "A page of notifications", body = Envelope<NotificationPage>),
        (status = 422, description = "A parameter that is not valid (`cursor`, `limit`, `unread`), named in `errors`", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    notifications: web::Data<NotificationService<P>>,
    caller: Caller<P, Read>,
    params: Query<NotificationsParams>,
) -> Result<Reply<NotificationPage>, ApiError> {
    let p = params.into_inner();
    let limit = paging::limit(p.limit, MAX_LIMIT)?;
    let after = super::cursor::parse("cursor", p.cursor.as_deref())?;
    let page =
        notifications.list(&caller.principal, p.unread.unwrap_or(false), after, limit).await?;
    Ok(Reply::ok(NotificationPage {
        notifications: page.notifications.iter().map(super::notification).collect(),
        next_cursor: page.next.map(super::cursor::encode).unwrap_or_default(),
    }))
}
