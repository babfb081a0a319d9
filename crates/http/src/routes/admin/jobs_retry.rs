//! `POST /api/admin/jobs/{id}/retry`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::JobAdminService;

use crate::auth::{AdminWrite, Caller};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::JobList;
use crate::reply::Reply;

/// Queues a failed or dead job again, with fresh attempts (admins).
#[utoipa::path(
    post, operation_id = "retry_job", path = "/api/admin/jobs/{id}/retry", tag = "admin", security(("bearer" = ["admin", "write"])),
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "Queued again", body = Envelope<JobList>),
        (status = 403, description = "Not an admin", body = ErrorEnvelope),
        (status = 404, description = "No failed or dead job with this id", body = ErrorEnvelope),
        (status = 409, description = "A pending job with the same dedupe key exists", body = ErrorEnvelope),
    )
)]
pub async fn retry<P: Ports>(
    jobs: web::Data<JobAdminService<P::Jobs>>,
    _caller: Caller<P, AdminWrite>,
    id: Path<String>,
) -> Result<Reply<JobList>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("no such job".to_owned()))?;
    jobs.retry(id).await?;
    Ok(Reply::ok(JobList::default()).with_message("queued again"))
}
