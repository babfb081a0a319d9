//! The chat services' errors as HTTP answers: a bad kind, token or URL is a 422 naming the
//! field; a token the provider refuses is a 422 on `token`; another user's source or channel
//! is a 404; a provider that throttles is a 429, one that fails a 503. OAuth: an unknown,
//! used or expired state and a code Slack refuses are 400s, a denial or another user's
//! authorization 403, OAuth not configured 404 (a misconfiguration is a 500, logged). A
//! pushed event not signed by the provider (or too old) is a 401, an unreadable one a 400,
//! events not configured a 404.

use switchboard_ports::DeliveryError;
use switchboard_services::ChatServiceError;

use super::ApiError;
use crate::envelope::FieldError;

fn field(name: &str, code: &str, message: impl ToString) -> ApiError {
    ApiError::Validation(vec![FieldError::new(name, code, message.to_string())])
}

impl From<ChatServiceError> for ApiError {
    fn from(e: ChatServiceError) -> Self {
        match e {
            ChatServiceError::MissingToken => field("token", "required", &e),
            ChatServiceError::TokenRefused => field("token", "refused", &e),
            ChatServiceError::MissingBaseUrl(_) => field("base_url", "required", &e),
            ChatServiceError::InvalidBaseUrl(_) => field("base_url", "invalid", &e),
            ChatServiceError::ForbiddenAddress(_) => field("base_url", "forbidden_address", &e),
            ChatServiceError::Unreachable(_) => field("base_url", "unreachable", &e),
            ChatServiceError::RateLimited { retry_after } => {
                ApiError::TooManyRequests { retry_after }
            }
            ChatServiceError::Provider(inner) => {
                tracing::warn!(error = %inner, "chat provider failed");
                ApiError::Unavailable {
                    message: "the chat provider failed; try again later".to_owned(),
                    errors: Vec::new(),
                }
            }
            ChatServiceError::SourceNotFound
            | ChatServiceError::ChannelNotFound
            | ChatServiceError::PostNotFound
            | ChatServiceError::OAuthNotConfigured => ApiError::NotFound(e.to_string()),
            ChatServiceError::OAuthStateInvalid
            | ChatServiceError::OAuthStateExpired
            | ChatServiceError::OAuthCodeRefused(_) => ApiError::BadRequest(e.to_string()),
            ChatServiceError::OAuthStateMismatch
            | ChatServiceError::OAuthOtherBrowser
            | ChatServiceError::OAuthDenied(_) => ApiError::Forbidden(e.to_string()),
            ChatServiceError::Delivery(refused) => match refused {
                DeliveryError::NotConfigured(_) => ApiError::NotFound(refused.to_string()),
                DeliveryError::Malformed(_) => ApiError::BadRequest(refused.to_string()),
                _ => ApiError::Unauthorized(format!("not a request from Slack: {refused}")),
            },
            ChatServiceError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
