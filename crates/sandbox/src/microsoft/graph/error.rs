//! Graph's error body (<https://learn.microsoft.com/graph/errors>):
//! `{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

/// A refused Graph request.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GraphError {
    /// 429 `TooManyRequests` with `Retry-After` (seconds).
    #[error("Too many requests. Please try again later.")]
    Throttled(u64),
    /// 503 `serviceNotAvailable` with `Retry-After` (seconds).
    #[error("The service is temporarily unavailable. Retry after the interval in Retry-After.")]
    Unavailable(u64),
    /// 401 `InvalidAuthenticationToken`.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// 403 `ErrorAccessDenied`: the token lacks the scope.
    #[error("Access is denied. Check credentials and try again.")]
    AccessDenied,
    /// 404 `ErrorItemNotFound`.
    #[error("The specified object was not found in the store.")]
    NotFound,
    /// 400 with a code of its own.
    #[error("{1}")]
    BadRequest(&'static str, String),
    /// 410 `syncStateNotFound`: a delta or skip token the server no longer knows.
    #[error(
        "The sync state generation is not found. Please restart the sync with an initial delta request."
    )]
    SyncStateNotFound,
    /// 500: the sandbox itself failed.
    #[error("{0}")]
    Internal(String),
}

impl GraphError {
    fn code(&self) -> &'static str {
        match self {
            Self::Throttled(_) => "TooManyRequests",
            Self::Unavailable(_) => "serviceNotAvailable",
            Self::Unauthenticated(_) => "InvalidAuthenticationToken",
            Self::AccessDenied => "ErrorAccessDenied",
            Self::NotFound => "ErrorItemNotFound",
            Self::BadRequest(code, _) => code,
            Self::SyncStateNotFound => "syncStateNotFound",
            Self::Internal(_) => "InternalServerError",
        }
    }
}

impl ResponseError for GraphError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::AccessDenied => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(..) => StatusCode::BAD_REQUEST,
            Self::SyncStateNotFound => StatusCode::GONE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::Throttled(seconds) | Self::Unavailable(seconds) => {
                response.insert_header(("Retry-After", seconds.to_string()));
            }
            Self::Unauthenticated(_) => {
                response.insert_header((
                    "WWW-Authenticate",
                    "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                ));
            }
            _ => {}
        }
        let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        response.json(json!({"error": {
            "code": self.code(),
            "message": self.to_string(),
            "innerError": {"date": date, "request-id": "00000000-0000-0000-0000-000000000000", "client-request-id": "00000000-0000-0000-0000-000000000000"},
        }}))
    }
}
