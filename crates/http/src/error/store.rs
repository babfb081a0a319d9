//! Storage failures as HTTP answers, written once for every service error that carries one: a
//! store that cannot be reached is a 503 with `Retry-After` (the client can do nothing but wait),
//! anything else a 500.

use switchboard_ports::StoreError;

use super::ApiError;

/// What `Retry-After` says while the database cannot be reached. A PostgreSQL restart or
/// failover takes a few seconds; a longer wait would keep clients away after it is back, a
/// shorter one would have them hammer a pool that cannot connect.
pub const STORAGE_RETRY_AFTER_SECS: u64 = 5;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "storage unavailable");
                ApiError::StorageUnavailable { retry_after: STORAGE_RETRY_AFTER_SECS }
            }
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
    fn an_unreachable_store_is_503_with_retry_after_in_header_and_envelope() {
        let error = ApiError::from(StoreError::Unavailable("connection refused".into()));
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "5");
        let (message, errors) = error.body();
        assert!(message.contains("retry in 5 seconds"), "{message}");
        assert_eq!(errors[0].field, "storage");
        assert_eq!(errors[0].code, "unavailable");
        assert!(!message.contains("connection refused"), "the cause stays in the log");
    }

    #[test]
    fn any_other_storage_failure_is_500() {
        let error = ApiError::from(StoreError::Other("syntax error".into()));
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
