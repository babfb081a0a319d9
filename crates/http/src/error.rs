//! The HTTP error type, and the one place errors become statuses.
//!
//! Policy: a 4xx says plainly what is wrong with the request, naming fields in `errors`; a 5xx
//! says only "internal server error" (or that a dependency is unavailable) and the detail goes
//! to the log with the request id. Services' error enums are mapped to [`ApiError`] by explicit
//! `From` impls, never by a blanket conversion (the identity services' in `error/identity.rs`).
//! Authentication failures are all one 401 (with `WWW-Authenticate`) whose message does not
//! say which check failed; the reason is logged at debug level.
//!
//! A storage failure keeps its kind up to here: every service error's `Store` variant goes
//! through the one `From<StoreError>` (`error/store.rs`), so a database that cannot be reached
//! is a 503 with `Retry-After` on every route, authentication included, and any other storage
//! failure a 500.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::encoding::Encoding;
use crate::envelope::{self, ErrorData, FieldError};

/// An answer the client can act on, beyond a status and a message: `errors` naming the case,
/// `Retry-After`, and `data` with what the client needs to go on (what a provider asks the
/// user for). Only for answers whose message is safe to show: 4xx and dependency 503s.
#[derive(Debug)]
pub struct Refusal {
    /// The status (400 or more).
    pub status: StatusCode,
    /// What went wrong, in a sentence.
    pub message: String,
    /// The problems found, each with its code.
    pub errors: Vec<FieldError>,
    /// Seconds to wait before retrying, sent as `Retry-After`.
    pub retry_after: Option<u64>,
    /// The envelope's `data`.
    pub data: Option<ErrorData>,
}

/// Everything a handler or extractor can answer instead of success.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// 400: the request cannot be read (malformed JSON or Protobuf, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no credentials, or credentials refused; answered with `WWW-Authenticate`.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: authenticated, but the role or the API key's scopes do not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// 409: the change conflicts with existing state (a taken email).
    #[error("{0}")]
    Conflict(String),
    /// 429: too many attempts; answered with `Retry-After`.
    #[error("too many requests; retry in {retry_after} seconds")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 404: nothing here, or nothing the caller may see.
    #[error("{0}")]
    NotFound(String),
    /// 406: the client accepts no encoding we produce.
    #[error("not acceptable: this API answers application/json or application/x-protobuf")]
    NotAcceptable,
    /// 413: the body is larger than the configured limit.
    #[error("request body too large: the limit is {limit} bytes")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// 415: the body's `Content-Type` is missing or not one we read.
    #[error("unsupported media type: send application/json or application/x-protobuf")]
    UnsupportedMediaType,
    /// 422: the request is well-formed but its values are not acceptable.
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    /// 503: a dependency is down; `errors` says which.
    #[error("{message}")]
    Unavailable {
        /// A summary.
        message: String,
        /// One entry per failing dependency.
        errors: Vec<FieldError>,
    },
    /// 503: the server is saturated (too many passwords to hash); answered with `Retry-After`.
    #[error("the server is busy; retry in {retry_after} seconds")]
    Overloaded {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// 503: the database cannot be reached (down, restarting, out of connections); answered
    /// with `Retry-After`, and `errors` names the `storage` dependency.
    #[error("storage is unavailable; retry in {retry_after} seconds")]
    StorageUnavailable {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Any status with `errors`, and optionally `Retry-After` and `data` (see [`Refusal`]).
    #[error("{}", .0.message)]
    Refused(Box<Refusal>),
    /// 500: a bug or an unexpected failure; the detail is logged, never sent.
    #[error("internal server error")]
    Internal(String),
}

impl ApiError {
    /// The message and field errors to put in the envelope.
    pub fn body(&self) -> (String, Vec<FieldError>) {
        match self {
            ApiError::Validation(errors) => (self.to_string(), errors.clone()),
            ApiError::Refused(refusal) => (refusal.message.clone(), refusal.errors.clone()),
            ApiError::Unavailable { message, errors } => (message.clone(), errors.clone()),
            ApiError::StorageUnavailable { retry_after } => (
                self.to_string(),
                vec![FieldError::new(
                    "storage",
                    "unavailable",
                    format!("the database cannot be reached; retry in {retry_after} seconds"),
                )],
            ),
            _ => (self.to_string(), Vec::new()),
        }
    }

    /// The envelope's `data`, for the few errors that carry some.
    pub fn data(&self) -> Option<&ErrorData> {
        match self {
            ApiError::Refused(refusal) => refusal.data.as_ref(),
            _ => None,
        }
    }

    /// Whether the envelope must be JSON whatever the client asked (the client's `Accept` or
    /// body encoding is what failed).
    pub fn forces_json(&self) -> bool {
        matches!(self, ApiError::NotAcceptable | ApiError::UnsupportedMediaType)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable { .. }
            | ApiError::Overloaded { .. }
            | ApiError::StorageUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Refused(refusal) => refusal.status,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The envelope in JSON; the envelope middleware, which knows the request's `Accept`,
    /// re-encodes it as Protobuf when the client asked for that.
    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(detail) = self {
            tracing::error!(detail = %detail, "internal error");
        }
        let (message, errors) = self.body();
        let mut response = envelope::failure_with_data(
            Encoding::Json,
            self.status_code(),
            &message,
            errors,
            self.data(),
        );
        if matches!(self, ApiError::UnsupportedMediaType) {
            response.headers_mut().insert(
                header::HeaderName::from_static("accept-post"),
                HeaderValue::from_static("application/json, application/x-protobuf"),
            );
        }
        match self {
            ApiError::Unauthorized(_) => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        r#"Bearer realm="switchboard", error="invalid_token""#,
                    ),
                );
            }
            ApiError::TooManyRequests { retry_after }
            | ApiError::Overloaded { retry_after }
            | ApiError::StorageUnavailable { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Refused(refusal) => {
                if let Some(retry_after) = refusal.retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                }
            }
            _ => {}
        }
        response
    }
}

mod chat;
mod identity;
mod mail;
mod notifications;
mod operations;
mod stats;
mod store;
mod stream;
mod webhooks;
