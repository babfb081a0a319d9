//! Page sizes from the query string, held to the range the document states.

use std::fmt::Display;

use crate::envelope::FieldError;
use crate::error::ApiError;

/// A `limit` from the query: absent (the service's default), or 1 to `max`. Past the range it
/// is refused rather than clamped, as the schema's `minimum` and `maximum` say.
///
/// # Errors
/// [`ApiError::Validation`] naming `limit`.
pub fn limit<T>(raw: Option<T>, max: T) -> Result<Option<T>, ApiError>
where
    T: Copy + PartialOrd + From<u8> + Display,
{
    match raw {
        Some(n) if n < T::from(1) || n > max => Err(ApiError::Validation(vec![FieldError::new(
            "limit",
            "out_of_range",
            format!("limit must be 1 to {max}"),
        )])),
        _ => Ok(raw),
    }
}
