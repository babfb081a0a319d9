//! The response envelope `{status, data, message, errors}` and its two encodings.
//!
//! JSON bodies are [`Envelope`]; Protobuf bodies are `switchboard.common.v1.Envelope`, whose
//! `data` is a `google.protobuf.Any` naming the message it holds. Every response is built by
//! [`success`] or [`failure`] here, and no other place writes a body.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use prost::{Message, Name};
use serde::Serialize;
use utoipa::ToSchema;

use crate::encoding::Encoding;
use crate::proto::common as pb;

pub use pb::FieldError;

/// Whether a request succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// `data` holds the answer.
    Success,
    /// `message` and `errors` say what went wrong.
    Error,
}

/// The JSON body of every response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// `success` or `error`.
    pub status: Status,
    /// The answer; `null` on error.
    pub data: Option<T>,
    /// A short human-readable summary.
    pub message: String,
    /// Present only on errors (status >= 400): the problems found, by field when they concern
    /// one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// The JSON body of every error response (documentation schema).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// Always `error`.
    pub status: Status,
    /// Always `null`.
    #[schema(value_type = Option<Object>)]
    pub data: Option<()>,
    /// What went wrong, in a sentence.
    pub message: String,
    /// The problems found; empty when there is nothing more specific than `message`.
    pub errors: Vec<FieldError>,
}

/// The `data` of an error envelope, in both encodings: JSON, and the Protobuf message it was
/// made from as a `google.protobuf.Any`.
#[derive(Debug, Clone)]
pub struct ErrorData {
    json: serde_json::Value,
    any: Option<prost_types::Any>,
}

impl ErrorData {
    /// `data` holding `message`.
    pub fn of<T: Serialize + Message + Name>(message: &T) -> Self {
        Self {
            json: serde_json::to_value(message).unwrap_or(serde_json::Value::Null),
            any: prost_types::Any::from_msg(message).ok(),
        }
    }
}

/// Marks a response whose body is already an envelope, so the error middleware leaves it be.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rendered;

impl FieldError {
    /// A problem with one field of the request (`field` empty for the request as a whole).
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// A success response holding `data`, in the requested encoding.
pub fn success<T>(encoding: Encoding, status: StatusCode, data: &T, message: &str) -> HttpResponse
where
    T: Serialize + Message + Name,
{
    match success_body(encoding, data, message) {
        Some(body) => respond(status, encoding, body),
        None => internal_error(encoding),
    }
}

/// The body of a success response holding `data`, `None` when it cannot be encoded (logged).
pub(crate) fn success_body<T>(encoding: Encoding, data: &T, message: &str) -> Option<Bytes>
where
    T: Serialize + Message + Name,
{
    let body = match encoding {
        Encoding::Json => {
            // Sized once from the Protobuf size, which JSON's field names and quotes exceed by
            // well under half: serde_json's own buffer starts at 128 bytes and doubles, moving a
            // page of 50 messages about eight times on its way to 30 KB.
            let mut body = Vec::with_capacity(data.encoded_len() * 2 + 256);
            serde_json::to_writer(
                &mut body,
                &Envelope {
                    status: Status::Success,
                    data: Some(data),
                    message: message.to_owned(),
                    errors: None,
                },
            )
            .map(|()| body)
        }
        Encoding::Protobuf => Ok(pb::Envelope {
            status: pb::Status::Success.into(),
            data: prost_types::Any::from_msg(data).ok(),
            message: message.to_owned(),
            errors: Vec::new(),
        }
        .encode_to_vec()),
    };
    body.map(Bytes::from)
        .inspect_err(|e| tracing::error!(error = %e, "cannot encode a response"))
        .ok()
}

/// The answer when a response cannot be encoded.
pub(crate) fn internal_error(encoding: Encoding) -> HttpResponse {
    failure(encoding, StatusCode::INTERNAL_SERVER_ERROR, "internal server error", Vec::new())
}

/// An error response, in the requested encoding.
pub fn failure(
    encoding: Encoding,
    status: StatusCode,
    message: &str,
    errors: Vec<FieldError>,
) -> HttpResponse {
    failure_with_data(encoding, status, message, errors, None)
}

/// An error response whose `data` says more, in the requested encoding.
pub fn failure_with_data(
    encoding: Encoding,
    status: StatusCode,
    message: &str,
    errors: Vec<FieldError>,
    data: Option<&ErrorData>,
) -> HttpResponse {
    let body = match encoding {
        Encoding::Json => serde_json::to_vec(&Envelope::<&serde_json::Value> {
            status: Status::Error,
            data: data.map(|d| &d.json),
            message: message.to_owned(),
            errors: Some(errors),
        })
        .unwrap_or_else(|_| {
            br#"{"status":"error","data":null,"message":"internal server error","errors":[]}"#
                .to_vec()
        }),
        Encoding::Protobuf => pb::Envelope {
            status: pb::Status::Error.into(),
            data: data.and_then(|d| d.any.clone()),
            message: message.to_owned(),
            errors,
        }
        .encode_to_vec(),
    };
    respond(status, encoding, Bytes::from(body))
}

/// A response of `status` with `body`, an envelope in `encoding`.
pub(crate) fn respond(status: StatusCode, encoding: Encoding, body: Bytes) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(encoding.media_type())))
        .insert_header((header::VARY, HeaderValue::from_static("Accept")))
        .body(body);
    response.extensions_mut().insert(Rendered);
    response
}
