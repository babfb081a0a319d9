//! The identity services' errors as HTTP answers.

use switchboard_services::{AccountError, AdminError, ApiKeyError, AuthError, SecretError};

use super::ApiError;
use crate::envelope::FieldError;

fn field(name: &str, code: &str, message: impl ToString) -> ApiError {
    ApiError::Validation(vec![FieldError::new(name, code, message.to_string())])
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidCredentials => ApiError::Unauthorized(e.to_string()),
            AuthError::InvalidToken(reason) => {
                tracing::debug!(%reason, "access token refused");
                ApiError::Unauthorized("invalid or expired credentials".into())
            }
            AuthError::Revoked => ApiError::Unauthorized("invalid or expired credentials".into()),
            AuthError::InvalidRefreshToken => ApiError::Unauthorized(e.to_string()),
            AuthError::RefreshReused => {
                tracing::warn!("refresh token reused: its session is revoked");
                ApiError::Unauthorized(e.to_string())
            }
            AuthError::Throttled { retry_after } => ApiError::TooManyRequests { retry_after },
            AuthError::Busy { retry_after } => ApiError::Overloaded { retry_after },
            AuthError::NotASession => ApiError::Forbidden(e.to_string()),
            AuthError::SessionNotFound => ApiError::NotFound(e.to_string()),
            AuthError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::InvalidEmail => field("email", "invalid", &e),
            AccountError::InvalidPassword(_) => field("password", "invalid", &e),
            AccountError::InvalidDisplayName => field("display_name", "invalid", &e),
            AccountError::WrongPassword => field("current_password", "mismatch", &e),
            AccountError::EmailTaken => ApiError::Conflict(e.to_string()),
            AccountError::NotFound => ApiError::NotFound(e.to_string()),
            AccountError::Throttled { retry_after } => ApiError::TooManyRequests { retry_after },
            AccountError::Busy { retry_after } => ApiError::Overloaded { retry_after },
            AccountError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<ApiKeyError> for ApiError {
    fn from(e: ApiKeyError) -> Self {
        match e {
            ApiKeyError::InvalidName => field("name", "invalid", &e),
            ApiKeyError::InvalidScopes(_) => field("scopes", "invalid", &e),
            ApiKeyError::InvalidExpiry => field("expires_at", "invalid", &e),
            ApiKeyError::NotFound => ApiError::NotFound(e.to_string()),
            ApiKeyError::NotASession => ApiError::Forbidden(e.to_string()),
            ApiKeyError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::NotFound => ApiError::NotFound(e.to_string()),
            AdminError::Refused(_) => ApiError::Forbidden(e.to_string()),
            AdminError::Account(inner) => inner.into(),
            AdminError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<SecretError> for ApiError {
    fn from(e: SecretError) -> Self {
        match e {
            SecretError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use actix_web::ResponseError;
    use actix_web::http::{StatusCode, header};

    use super::*;

    #[test]
    fn a_saturated_hasher_is_503_with_retry_after() {
        for error in [
            ApiError::from(AuthError::Busy { retry_after: 1 }),
            ApiError::from(AccountError::Busy { retry_after: 1 }),
        ] {
            let response = error.error_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
        }
    }
}
