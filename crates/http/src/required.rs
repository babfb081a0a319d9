//! Required fields of the contract's messages, and the 422 for a request body that lacks one.
//!
//! The `.proto` files say which fields are required (those declared without `optional`);
//! `build.rs` implements [`Required`] for every message from them, so [`Payload`] checks a new
//! request type with no code of its own.
//!
//! [`Payload`]: crate::payload::Payload

use std::collections::HashMap;

use serde::de::IgnoredAny;

use crate::envelope::FieldError;
use crate::error::ApiError;

/// What the `.proto` contract requires of a message.
pub trait Required {
    /// The names of the fields declared without `optional`, as JSON and the schema spell them.
    const REQUIRED: &'static [&'static str];
    /// The names of all its fields.
    const FIELDS: &'static [&'static str];

    /// The required fields a message decoded from Protobuf does not carry. Protobuf does not
    /// send an empty string, list or message, so an empty one is missing; a number or a bool
    /// at zero cannot be told from a missing one and counts as given.
    fn absent_in_protobuf(&self) -> Vec<&'static str>;
}

/// Refuses a JSON body that is not an object holding every required field of `T`: 400 when it
/// does not parse, 422 when it is another JSON value (serde would read an array as the fields
/// in order), lacks fields or has a field that is null, naming each of them.
///
/// # Errors
/// [`ApiError::BadRequest`] or [`ApiError::Validation`].
pub fn check_json<T: Required>(body: &[u8]) -> Result<(), ApiError> {
    // Only the keys are kept, and whether each value is null: the values are read by the
    // typed decoding that follows.
    let object: HashMap<String, Option<IgnoredAny>> =
        serde_json::from_slice(body).map_err(|e| {
            if e.is_data() {
                ApiError::Validation(vec![FieldError::new(
                    "",
                    "invalid",
                    "the body must be a JSON object",
                )])
            } else {
                ApiError::BadRequest(format!("malformed JSON body: {e}"))
            }
        })?;
    refuse_absent(T::REQUIRED.iter().copied().filter(|f| !object.contains_key(*f)))?;
    // An optional field is left out, never null: null is no value of its type.
    let nulls: Vec<FieldError> = T::FIELDS
        .iter()
        .filter(|f| matches!(object.get(**f), Some(None)))
        .map(|f| FieldError::new(*f, "invalid", format!("`{f}` must not be null: leave it out")))
        .collect();
    if nulls.is_empty() { Ok(()) } else { Err(ApiError::Validation(nulls)) }
}

/// Refuses a message decoded from Protobuf that lacks a required field, naming each.
///
/// # Errors
/// [`ApiError::Validation`].
pub fn check_protobuf<T: Required>(message: T) -> Result<T, ApiError> {
    refuse_absent(message.absent_in_protobuf()).map(|()| message)
}

fn refuse_absent(absent: impl IntoIterator<Item = &'static str>) -> Result<(), ApiError> {
    let errors: Vec<FieldError> = absent
        .into_iter()
        .map(|field| FieldError::new(field, "required", format!("`{field}` is required")))
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}
