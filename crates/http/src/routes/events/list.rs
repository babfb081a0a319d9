//! `GET /api/events`

use actix_web::web;
use serde::Deserialize;
use switchboard_domain::EventPosition;
use switchboard_domain::identity::Role;
use switchboard_ports::{EventQuery, Ports};
use switchboard_services::event_log::MAX_PAGE;
use switchboard_services::{EventLogService, Viewer};
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::proto::v1::EventPage;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::{convert, paging};

/// Filters and paging of the event log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsParams {
    /// Continue after this cursor (`next_cursor` of the previous page).
    pub after: Option<String>,
    /// Only objects of this model (`user`, `api_key`, …).
    pub model: Option<String>,
    /// Only this object.
    pub object_id: Option<String>,
    /// At most this many events (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// Events in log order: every event for admins, those of the objects they own for members.
/// Poll with the returned `next_cursor` to get only what changed since.
#[utoipa::path(
    get, operation_id = "list_events", path = "/api/events", tag = "events", security(("bearer" = ["read"])),
    params(EventsParams),
    responses(
        (status = 200, description = "A page of events", body = Envelope<EventPage>),
        (status = 401, description = "Not authenticated", body = ErrorEnvelope),
        (status = 422, description = "A cursor this API did not produce, or `limit` out of range", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    events: web::Data<EventLogService<P::Events>>,
    caller: Caller<P, Read>,
    params: Query<EventsParams>,
) -> Result<Reply<EventPage>, ApiError> {
    let params = params.into_inner();
    let limit = paging::limit(params.limit, MAX_PAGE)?;
    let after = params
        .after
        .filter(|a| !a.is_empty())
        .map(|a| a.parse::<EventPosition>())
        .transpose()
        .map_err(|e| {
            ApiError::Validation(vec![FieldError::new("after", "invalid", e.to_string())])
        })?;
    let viewer = Viewer {
        user_id: caller.principal.user_id,
        sees_all: caller.principal.role.at_least(Role::Admin),
    };
    let query = EventQuery {
        after,
        // 0: the service's default page.
        limit: limit.unwrap_or(0),
        model_name: params.model,
        object_id: params.object_id,
        owner: None,
    };
    let page = events.page(viewer, query).await?;
    Ok(Reply::ok(EventPage {
        events: page.events.iter().map(convert::event).collect(),
        next_cursor: page.next.map(EventPosition::to_cursor).unwrap_or_default(),
    }))
}
