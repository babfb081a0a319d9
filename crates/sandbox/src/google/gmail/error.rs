//! Google's JSON error (<https://cloud.google.com/apis/design/errors>):
//! `{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

/// A refused Gmail request.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GmailError {
    /// 401 `UNAUTHENTICATED`: missing, unknown, expired or revoked token.
    #[error(
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
    )]
    Unauthenticated,
    /// 403 `insufficientPermissions`: the token lacks the scope.
    #[error("Request had insufficient authentication scopes.")]
    InsufficientScope,
    /// 429 `rateLimitExceeded` with `Retry-After` (seconds).
    #[error("Too many concurrent requests for user.")]
    RateLimit(u64),
    /// 403 `userRateLimitExceeded` with `Retry-After` (seconds).
    #[error("User-rate limit exceeded.")]
    UserRateLimit(u64),
    /// 403 `forbidden` with a message (a format the scope does not allow, another user).
    #[error("{0}")]
    Forbidden(String),
    /// 404 `notFound`.
    #[error("Requested entity was not found.")]
    NotFound,
    /// 400 `invalidArgument` (or another reason) with a message.
    #[error("{1}")]
    Invalid(&'static str, String),
}

impl GmailError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid("invalidArgument", message.into())
    }

    fn parts(&self) -> (&'static str, &'static str, &'static str) {
        // (status, domain, reason)
        match self {
            Self::Unauthenticated => ("UNAUTHENTICATED", "global", "authError"),
            Self::InsufficientScope => ("PERMISSION_DENIED", "global", "insufficientPermissions"),
            Self::RateLimit(_) => ("RESOURCE_EXHAUSTED", "usageLimits", "rateLimitExceeded"),
            Self::UserRateLimit(_) => ("PERMISSION_DENIED", "usageLimits", "userRateLimitExceeded"),
            Self::Forbidden(_) => ("PERMISSION_DENIED", "global", "forbidden"),
            Self::NotFound => ("NOT_FOUND", "global", "notFound"),
            Self::Invalid(reason, _) => ("INVALID_ARGUMENT", "global", reason),
        }
    }
}

impl ResponseError for GmailError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::InsufficientScope | Self::UserRateLimit(_) | Self::Forbidden(_) => {
                StatusCode::FORBIDDEN
            }
            Self::RateLimit(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Invalid(..) => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::RateLimit(seconds) | Self::UserRateLimit(seconds) => {
                response.insert_header(("Retry-After", seconds.to_string()));
            }
            Self::Unauthenticated => {
                response.insert_header((
                    "WWW-Authenticate",
                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
                ));
            }
            Self::InsufficientScope => {
                response.insert_header((
                    "WWW-Authenticate",
                    "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\"",
                ));
            }
            _ => {}
        }
        let (status, domain, reason) = self.parts();
        let message = self.to_string();
        let short = match self {
            Self::Unauthenticated => "Invalid Credentials".to_owned(),
            Self::InsufficientScope => "Insufficient Permission".to_owned(),
            _ => message.clone(),
        };
        response.json(json!({"error": {
            "code": self.status_code().as_u16(),
            "message": message,
            "errors": [{"message": short, "domain": domain, "reason": reason}],
            "status": status,
        }}))
    }
}
