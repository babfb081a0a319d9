//! `GET /api/webhooks/{id}/deliveries`

use actix_web::web;
use serde::Deserialize;
use switchboard_ports::Ports;
use switchboard_services::WebhookService;
use switchboard_services::webhooks::MAX_DELIVERY_PAGE;
use utoipa::IntoParams;

use crate::auth::{Caller, Read};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::WebhookDeliveryPage;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::paging;

/// Paging of the deliveries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesParams {
    /// Older than this cursor (`next_cursor` of the previous page).
    pub before: Option<String>,
    /// At most this many deliveries (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// One of the caller's webhooks' deliveries, newest first, each with its attempts (status
/// code, error, latency, time).
#[utoipa::path(
    get, operation_id = "list_webhook_deliveries", path = "/api/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = ["read"])),
    params(("id" = String, Path, description = "Webhook id"), DeliveriesParams),
    responses(
        (status = 200, description = "A page of deliveries", body = Envelope<WebhookDeliveryPage>),
        (status = 404, description = "No such webhook of the caller's", body = ErrorEnvelope),
        (status = 422, description = "A cursor this API did not produce, or `limit` out of range", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    webhooks: web::Data<WebhookService<P>>,
    caller: Caller<P, Read>,
    id: Path<String>,
    params: Query<DeliveriesParams>,
) -> Result<Reply<WebhookDeliveryPage>, ApiError> {
    let id = super::webhook_id(&id)?;
    let params = params.into_inner();
    let limit = paging::limit(params.limit, MAX_DELIVERY_PAGE)?;
    let before =
        params.before.filter(|b| !b.is_empty()).map(|b| b.parse::<i64>()).transpose().map_err(
            |_| {
                ApiError::Validation(vec![FieldError::new(
                    "before",
                    "invalid",
                    "not a cursor this API produced",
                )])
            },
        )?;
    let page = webhooks.deliveries(&caller.principal, id, before, limit.unwrap_or(0)).await?;
    Ok(Reply::ok(WebhookDeliveryPage {
        deliveries: page.deliveries.iter().map(super::delivery).collect(),
        next_cursor: page.next.map(|n| n.to_string()).unwrap_or_default(),
    }))
}
