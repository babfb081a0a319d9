//! `GET /api/stream`

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use switchboard_domain::EventPosition;
use switchboard_ports::Ports;
use switchboard_services::StreamService;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::query::Query;
use crate::routes::stream::sse;

/// How to authenticate and where to resume.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamParams {
    /// A ticket from `POST /api/stream/ticket`, in place of the `Authorization` header; used
    /// up by this request.
    pub ticket: Option<String>,
    /// Resume after this event (the `id` of the last one received), for clients that cannot
    /// send the `Last-Event-ID` header; the header wins when both are present.
    pub last_event_id: Option<String>,
}

/// The caller's events as Server-Sent Events: those after `Last-Event-ID` first (from the
/// log), then each new one as it is appended, with a heartbeat comment in between. Every
/// user, admins included, gets the events of the objects they own. A client that reads too
/// slowly is disconnected and resumes with `Last-Event-ID`. See `docs/stream.md`.
#[utoipa::path(
    get, operation_id = "open_stream", path = "/api/stream", tag = "stream", security(("bearer" = ["read"]), ("ticket" = [])),
    params(
        StreamParams,
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event (the `id:` of the last one received)"),
    ),
    responses(
        (status = 200, description = "An endless `text/event-stream`: for each event, `id:` its cursor, `event:` `<model_name>.<kind>`, `data:` the event (`EventRecord`) in JSON; comments (`:`) as heartbeats", content_type = "text/event-stream", body = String),
        (status = 401, description = "No credential and no ticket, or a ticket that is unknown, used or expired", body = ErrorEnvelope),
        (status = 403, description = "The API key lacks the `read` scope", body = ErrorEnvelope),
        (status = 422, description = "A `Last-Event-ID` this API did not produce", body = ErrorEnvelope),
        (status = 503, description = "The stream is starting (the database has not been reached yet)", body = ErrorEnvelope),
    )
)]
pub async fn open<P: Ports>(
    req: HttpRequest,
    stream: web::Data<StreamService<P>>,
    params: Query<StreamParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    // Validated before a ticket is spent on the request.
    let after = resume_point(&req, params.last_event_id)?;
    let user = match params.ticket.filter(|t| !t.is_empty()) {
        Some(ticket) => stream.redeem_ticket(&ticket).await?,
        None => Caller::<P, Read>::extract(&req).await?.principal.user_id,
    };
    let events = stream.open(user, after)?;
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // nginx would otherwise buffer the stream.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(sse::body(events, stream.policy().heartbeat)))
}

fn resume_point(
    req: &HttpRequest,
    query: Option<String>,
) -> Result<Option<EventPosition>, ApiError> {
    let invalid = |message: String| {
        ApiError::Validation(vec![FieldError::new("last_event_id", "invalid", message)])
    };
    let header = match req.headers().get("last-event-id") {
        Some(value) => Some(
            value.to_str().map_err(|_| invalid("Last-Event-ID is not text".into()))?.to_owned(),
        ),
        None => None,
    };
    header
        .or(query)
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .map(|id| id.parse::<EventPosition>().map_err(|e| invalid(e.to_string())))
        .transpose()
}
