//! The stats service's errors as HTTP answers: a channel that is not the caller's is a 404
//! (never a 403: whether it exists is not theirs to know); a store that cannot be reached a 503;
//! anything else is a 500.

use switchboard_services::StatsError;

use super::ApiError;

impl From<StatsError> for ApiError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::ChannelNotFound => ApiError::NotFound(e.to_string()),
            StatsError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
