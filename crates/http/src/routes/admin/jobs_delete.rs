//! `DELETE /api/admin/jobs/{id}`

use actix_web::web;
use switchboard_ports::Ports;
use switchboard_services::JobAdminService;

use crate::auth::{AdminWrite, Caller};
use crate::envelope::{Envelope, ErrorEnvelope};
use crate::error::ApiError;
use crate::path::Path;
use crate::proto::v1::JobList;
use crate::reply::Reply;

/// Deletes a job that is not running (admins).
#[utoipa::path(
    delete, operation_id = "delete_job", path = "/api/admin/jobs/{id}", tag = "admin", security(("bearer" = ["admin", "write"])),
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "Deleted", body = Envelope<JobList>),
        (status = 403, description = "Not an admin", body = ErrorEnvelope),
        (status = 404, description = "No such job, or it is running", body = ErrorEnvelope),
    )
)]
pub async fn delete<P: Ports>(
    jobs: web::Data<JobAdminService<P::Jobs>>,
    _caller: Caller<P, AdminWrite>,
    id: Path<String>,
) -> Result<Reply<JobList>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("no such job".to_owned()))?;
    jobs.delete(id).await?;
    Ok(Reply::ok(JobList::default()).with_message("deleted"))
}
