//! The stream's errors as HTTP answers.

use switchboard_services::StreamError;

use super::ApiError;

impl From<StreamError> for ApiError {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::BadTicket => ApiError::Unauthorized(e.to_string()),
            StreamError::NotStarted(_) => {
                ApiError::Unavailable { message: e.to_string(), errors: Vec::new() }
            }
            StreamError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
