//! The webhook service's errors as HTTP answers: a bad URL (not https, credentials, a host that
//! does not resolve) is a 422 on `url` (`invalid`), one resolving to a private, loopback or
//! link-local address a 422 on `url` (`forbidden_address`); an unknown event filter a 422 on
//! `events[i]`, none a 422 on `events`; a long description a 422 on `description`; another
//! user's webhook a 404; a store that cannot be reached a 503; anything else a 500.

use switchboard_services::WebhookError;

use super::ApiError;
use crate::envelope::FieldError;

fn field(name: &str, code: &str, message: impl ToString) -> ApiError {
    ApiError::Validation(vec![FieldError::new(name, code, message.to_string())])
}

impl From<WebhookError> for ApiError {
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::NotFound => ApiError::NotFound(e.to_string()),
            WebhookError::InvalidUrl(_) => field("url", "invalid", &e),
            WebhookError::ForbiddenAddress(_) => field("url", "forbidden_address", &e),
            WebhookError::NoEvents => field("events", "required", &e),
            WebhookError::InvalidEvents { index, ref message } => {
                field(&format!("events[{index}]"), "unknown_event", message)
            }
            WebhookError::DescriptionTooLong(_) => field("description", "too_long", &e),
            WebhookError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
