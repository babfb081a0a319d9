//! The chat services' errors as HTTP answers: a bad kind, token or URL is a 422 naming the
//! field; a token the provider refuses is a 422 on `token`, a URL where no API answers or that
//! cannot be reached a 422 on `base_url`; another user's source or channel is a 404; a
//! provider that throttles is a 429, one that fails (a server error, no answer in time) a 503
//! naming `provider`, with `Retry-After` when the provider gave one. OAuth: an unknown,
//! used or expired state and a code Slack refuses are 400s, a denial or another user's
//! authorization 403, OAuth not configured 404 (a misconfiguration is a 500, logged). A
//! pushed event not signed by the provider (or too old) is a 401, an unreadable one a 400,
//! events not configured a 404.

use switchboard_ports::DeliveryError;
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

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use actix_web::ResponseError;
    use actix_web::http::header;
    use switchboard_ports::ChatError;

    use super::*;

    fn answer(e: ChatServiceError) -> (u16, Option<String>, String, String) {
        let error = ApiError::from(e);
        let response = error.error_response();
        let retry_after =
            response.headers().get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().to_owned());
        let (_, errors) = error.body();
        let first = errors.first().map(|e| (e.field.clone(), e.code.clone())).unwrap_or_default();
        (response.status().as_u16(), retry_after, first.0, first.1)
    }

    #[test]
    fn the_users_input_is_a_422_naming_the_field_and_a_failing_provider_a_503() {
        let not_found = ChatError::NotFound { what: "users/me (HTTP 404)".into() };
        assert_eq!(
            answer(ChatServiceError::connecting(not_found)),
            (422, None, "base_url".into(), "invalid".into())
        );
        let refused = ChatError::Transport("connection refused".into());
        assert_eq!(
            answer(ChatServiceError::connecting(refused)),
            (422, None, "base_url".into(), "unreachable".into())
        );
        let failing = ChatError::Unavailable {
            reason: "users/me: HTTP 503".into(),
            retry_after: Some(std::time::Duration::from_secs(30)),
        };
        assert_eq!(
            answer(ChatServiceError::connecting(failing)),
            (503, Some("30".into()), "provider".into(), "unavailable".into())
        );
        let timeout =
            ChatError::Unavailable { reason: "no answer in time".into(), retry_after: None };
        assert_eq!(answer(ChatServiceError::connecting(timeout)).0, 503);
        let token = ChatError::Unauthorized { reason: "invalid_auth".into() };
        assert_eq!(
            answer(ChatServiceError::connecting(token)),
            (422, None, "token".into(), "refused".into())
        );
    }
}
