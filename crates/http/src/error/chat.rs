//! The chat services' errors as HTTP answers: a bad kind, token or URL is a 422 naming the
//! field; a token the provider refuses is a 422 on `token`, a URL where no API answers or that
//! cannot be reached a 422 on `base_url`; another user's source or channel is a 404; a
//! provider that throttles is a 429, one that fails (a server error, no answer in time) a 503
//! naming `provider`, with `Retry-After` when the provider gave one. OAuth: an unknown,
//! used or expired state and a code Slack refuses are 400s, a denial or another user's
//! authorization 403, OAuth not configured 404 (a misconfiguration is a 500, logged).

use switchboard_services::ChatServiceError;

use super::{ApiError, Refusal};
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
            ChatServiceError::ProviderUnavailable { ref reason, retry_after } => {
                tracing::warn!(reason = %reason, "chat provider failing");
                ApiError::Refused(Box::new(Refusal {
                    status: actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    message: "the chat provider is failing; try again later".to_owned(),
                    errors: vec![FieldError::new(
                        "provider",
                        "unavailable",
                        "the chat provider answered a server error or did not answer in time",
                    )],
                    retry_after,
                    data: None,
                }))
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
            | ChatServiceError::OAuthNotConfigured => ApiError::NotFound(e.to_string()),
            ChatServiceError::OAuthStateInvalid
            | ChatServiceError::OAuthStateExpired
            | ChatServiceError::OAuthCodeRefused(_) => ApiError::BadRequest(e.to_string()),
            ChatServiceError::OAuthStateMismatch
            | ChatServiceError::OAuthOtherBrowser
            | ChatServiceError::OAuthDenied(_) => ApiError::Forbidden(e.to_string()),
            ChatServiceError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
