//! The event log's and job queue's errors as HTTP answers.

use switchboard_services::{EventLogError, JobAdminError};

use super::ApiError;

impl From<EventLogError> for ApiError {
    fn from(e: EventLogError) -> Self {
        match e {
            EventLogError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<JobAdminError> for ApiError {
    fn from(e: JobAdminError) -> Self {
        match e {
            JobAdminError::NotFound => ApiError::NotFound(e.to_string()),
            JobAdminError::Conflict => ApiError::Conflict(e.to_string()),
            JobAdminError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
