//! The notification service's errors as HTTP answers: a notification that is not the
//! caller's is a 404; a store that cannot be reached a 503; anything else a 500.

use switchboard_services::NotificationError;

use super::ApiError;

impl From<NotificationError> for ApiError {
    fn from(e: NotificationError) -> Self {
        match e {
            NotificationError::NotFound => ApiError::NotFound(e.to_string()),
            NotificationError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
