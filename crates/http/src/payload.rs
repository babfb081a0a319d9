//! [`Payload`]: a request body in JSON or Protobuf, chosen by `Content-Type`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use prost::Message;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::encoding::Encoding;
use crate::envelope::FieldError;
use crate::error::ApiError;
use crate::nul;
use crate::required::{self, Required};

/// The largest request body accepted, in bytes (from configuration; 256 KiB if unset).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        Self(256 * 1024)
    }
}

/// A request body decoded from JSON (`application/json`) or Protobuf
/// (`application/x-protobuf`) into a type generated from the `.proto` contract.
///
/// Failures answer in the envelope: 415 for another content type, 413 past the body limit,
/// 400 for a body that does not parse, 422 naming the field for a value of the wrong type, a
/// required field left out (see [`Required`]) or a string holding a NUL (whichever the
/// encoding), and 422 for JSON that is not an object.
#[derive(Debug)]
pub struct Payload<T>(pub T);

impl<T> Payload<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> FromRequest for Payload<T>
where
    T: DeserializeOwned + Serialize + Message + Default + Required + 'static,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        let encoding = Encoding::of_body(req);
        let limit = req.app_data::<web::Data<BodyLimit>>().map(|l| l.0).unwrap_or_default();
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut stream = payload.take();
        Box::pin(async move {
            let encoding = encoding.ok_or(ApiError::UnsupportedMediaType)?;
            if declared.is_some_and(|len| len > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk
                    .map_err(|e| ApiError::BadRequest(format!("cannot read the body: {e}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            let value = decode(encoding, &body)?;
            nul::refuse_in_body(&value)?;
            Ok(Payload(value))
        })
    }
}

fn decode<T: DeserializeOwned + Message + Default + Required>(
    encoding: Encoding,
    body: &[u8],
) -> Result<T, ApiError> {
    match encoding {
        Encoding::Protobuf => T::decode(body)
            .map_err(|e| ApiError::BadRequest(format!("malformed Protobuf body: {e}")))
            .and_then(required::check_protobuf),
        Encoding::Json => {
            required::check_json::<T>(body)?;
            let mut de = serde_json::Deserializer::from_slice(body);
            let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
                if e.inner().is_data() {
                    let field = e.path().to_string();
                    let field = if field == "." { String::new() } else { field };
                    ApiError::Validation(vec![FieldError::new(
                        field,
                        "invalid",
                        e.inner().to_string(),
                    )])
                } else {
                    ApiError::BadRequest(format!("malformed JSON body: {}", e.inner()))
                }
            })?;
            de.end().map_err(|e| ApiError::BadRequest(format!("malformed JSON body: {e}")))?;
            Ok(value)
        }
    }
}
