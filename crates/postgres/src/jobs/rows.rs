//! Rows read from the `jobs` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use switchboard_domain::JobState;
use switchboard_ports::{ClaimedJob, JobRecord, StoreError};

use crate::schema::jobs;

#[derive(QueryableByName)]
pub(super) struct ClaimedRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub job_type: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub payload: serde_json::Value,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub max_attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub waited_secs: f64,
}

impl From<ClaimedRow> for ClaimedJob {
    fn from(row: ClaimedRow) -> Self {
        Self {
            id: row.id,
            job_type: row.job_type,
            payload: row.payload,
            attempt: u32::try_from(row.attempts).unwrap_or(0),
            max_attempts: u32::try_from(row.max_attempts).unwrap_or(0),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub(super) struct JobRow {
    id: i64,
    job_type: String,
    payload: serde_json::Value,
    priority: i16,
    state: String,
    attempts: i32,
    max_attempts: i32,
    dedupe_key: Option<String>,
    run_at: DateTime<Utc>,
    locked_by: Option<String>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<JobRow> for JobRecord {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            job_type: row.job_type,
            payload: row.payload,
            priority: row.priority,
            state: row.state.parse::<JobState>().map_err(StoreError::Other)?,
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            max_attempts: u32::try_from(row.max_attempts).unwrap_or(0),
            dedupe_key: row.dedupe_key,
            run_at: row.run_at,
            locked_by: row.locked_by,
            last_error: row.last_error,
            created_at: row.created_at,
        })
    }
}
