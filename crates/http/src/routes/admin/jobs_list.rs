//! `GET /api/admin/jobs`

use actix_web::web;
use serde::Deserialize;
use switchboard_domain::JobState;
use switchboard_ports::Ports;
use switchboard_services::JobAdminService;
use utoipa::IntoParams;

use crate::auth::{AdminRead, Caller};
use crate::envelope::{Envelope, ErrorEnvelope, FieldError};
use crate::error::ApiError;
use crate::proto::v1::JobList;
use crate::query::Query;
use crate::reply::Reply;
use crate::routes::{convert, paging};

/// The largest page (the job admin service's bound).
const MAX_LIMIT: usize = 500;

/// The job states, by name.
fn job_state() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(JobState::ALL.map(JobState::as_str)))
        .build()
}

/// Which jobs to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct JobsParams {
    /// Only jobs in this state.
    #[param(schema_with = job_state)]
    pub state: Option<String>,
    /// Only jobs with an id above this one (paging).
    pub after: Option<i64>,
    /// At most this many (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// Counts of jobs in each state, and the jobs themselves by id (admins).
#[utoipa::path(
    get, operation_id = "list_jobs", path = "/api/admin/jobs", tag = "admin", security(("bearer" = ["admin", "read"])),
    params(JobsParams),
    responses(
        (status = 200, description = "Counts and a page of jobs", body = Envelope<JobList>),
        (status = 403, description = "Not an admin", body = ErrorEnvelope),
        (status = 422, description = "Unknown state, or `limit` out of range", body = ErrorEnvelope),
    )
)]
pub async fn list<P: Ports>(
    jobs: web::Data<JobAdminService<P::Jobs>>,
    _caller: Caller<P, AdminRead>,
    params: Query<JobsParams>,
) -> Result<Reply<JobList>, ApiError> {
    let params = params.into_inner();
    let limit = paging::limit(params.limit, MAX_LIMIT)?;
    let state = params
        .state
        .map(|s| s.parse::<JobState>())
        .transpose()
        .map_err(|e| ApiError::Validation(vec![FieldError::new("state", "invalid", e)]))?;
    let (counts, page) = jobs.overview(state, params.after, limit.unwrap_or(0)).await?;
    Ok(Reply::ok(JobList {
        counts: Some(convert::job_counts(&counts)),
        jobs: page.iter().map(convert::job).collect(),
    }))
}
