//! `GET /readyz`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::HealthService;

use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::proto::v1::{ComponentCheck, Readiness};
use crate::reply::Reply;

/// Whether the service can take traffic: the database answers and its schema is current.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "meta",
    responses(
        (status = 200, description = "Ready to serve", body = Envelope<Readiness>),
        (status = 503, description = "A dependency is failing; `errors` names each", body = ErrorEnvelope),
    )
)]
pub async fn readyz<P: Ports>(
    health: web::Data<HealthService<P::Readiness>>,
) -> Result<Reply<Readiness>, ApiError> {
    let readiness = health.readiness().await;
    if !readiness.is_ready() {
        let errors = readiness
            .failing()
            .map(|check| FieldError::new(&check.name, "unavailable", detail(&check.outcome)))
            .collect();
        return Err(ApiError::Unavailable { message: "not ready".to_owned(), errors });
    }
    let checks = readiness
        .checks()
        .iter()
        .map(|c| ComponentCheck { name: c.name.clone(), ok: c.is_ok(), detail: detail(&c.outcome) })
        .collect();
    Ok(Reply::ok(Readiness { ready: true, checks }))
}

fn detail(outcome: &switchboard_domain::CheckOutcome) -> String {
    match outcome {
        switchboard_domain::CheckOutcome::Ok => String::new(),
        switchboard_domain::CheckOutcome::Failing(reason) => reason.clone(),
    }
}
