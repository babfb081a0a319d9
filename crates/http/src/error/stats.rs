//! The stats service's errors as HTTP answers: a channel, mail account, folder or thread that
//! is not the caller's is a 404 (never a 403: whether it exists is not theirs to know); a time
//! in the future where one in the past is needed a 422 naming the parameter; a store that
//! cannot be reached a 503; anything else is a 500.

use switchboard_services::StatsError;

use super::ApiError;
use crate::envelope::FieldError;

impl From<StatsError> for ApiError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::ChannelNotFound
            | StatsError::AccountNotFound
            | StatsError::FolderNotFound
            | StatsError::ThreadNotFound => ApiError::NotFound(e.to_string()),
            StatsError::InFuture { field } => ApiError::Validation(vec![FieldError::new(
                field,
                "in_future",
                format!("{field} must not be in the future"),
            )]),
            StatsError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
