//! Refuses unacceptable `Accept` headers before any handler runs (406), and writes the envelope
//! for every error response, whoever produced it: our handlers and extractors ([`ApiError`]),
//! the router (404, 405), actix's own extractors, CORS, or a panic.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse};

use crate::encoding::Encoding;
use crate::envelope::{self, FieldError, Rendered};
use crate::error::ApiError;

/// Paths that serve documents rather than API answers: they are not negotiated.
fn is_document(path: &str) -> bool {
    path == "/openapi.json" || path == "/docs" || path.starts_with("/docs/")
}

/// The event stream answers `text/event-stream`, which `EventSource` asks for in `Accept`;
/// its errors are JSON envelopes.
fn is_event_stream(path: &str) -> bool {
    path == "/api/stream"
}

/// The middleware function (see `actix_web::middleware::from_fn`).
pub async fn envelope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let accepted = Encoding::accepted(req.request());
    if accepted.is_none() && !is_document(req.path()) && !is_event_stream(req.path()) {
        let (request, _) = req.into_parts();
        let response = HttpResponse::from_error(ApiError::NotAcceptable);
        return Ok(render(ServiceResponse::new(request, response), Encoding::Json));
    }
    let encoding = accepted.unwrap_or(Encoding::Json);
    // Negotiated once: `Reply` reads it back instead of parsing `Accept` again.
    req.extensions_mut().insert(encoding);
    // The request must not be cloned before routing (actix mutates it in place), so an `Err`
    // from inside goes up as it is; our own errors arrive here as responses.
    let res = next.call(req).await?.map_into_boxed_body();
    if res.status().as_u16() < 400 {
        return Ok(res);
    }
    let ours = res.response().error().and_then(|e| e.as_error::<ApiError>());
    let needs_rendering = match ours {
        Some(error) => encoding == Encoding::Protobuf && !error.forces_json(),
        None => !res.response().extensions().contains::<Rendered>(),
    };
    Ok(if needs_rendering { render(res, encoding) } else { res })
}

/// Replaces an error response's body by the envelope, keeping its status and headers.
fn render(res: ServiceResponse<BoxBody>, encoding: Encoding) -> ServiceResponse<BoxBody> {
    let (request, response) = res.into_parts();
    let status = response.status();
    let api_error = response.error().and_then(|e| e.as_error::<ApiError>());
    let (message, errors, encoding, data) = match api_error {
        Some(error) => {
            let (message, errors) = error.body();
            let encoding = if error.forces_json() { Encoding::Json } else { encoding };
            (message, errors, encoding, error.data().cloned())
        }
        None => {
            let (message, errors) = describe(&request, status, response.error());
            (message, errors, encoding, None)
        }
    };
    let mut rendered =
        envelope::failure_with_data(encoding, status, &message, errors, data.as_ref());
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::VARY {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, rendered)
}

/// The message for an error response we did not produce ourselves.
fn describe(
    request: &HttpRequest,
    status: StatusCode,
    error: Option<&actix_web::Error>,
) -> (String, Vec<FieldError>) {
    let message = match status {
        StatusCode::NOT_FOUND => format!("no route for {} {}", request.method(), request.path()),
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("method {} is not allowed on {}", request.method(), request.path())
        }
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large".to_owned(),
        s if s.is_server_error() => {
            if let Some(e) = error {
                tracing::error!(error = %e, status = s.as_u16(), "request failed");
            }
            match s {
                StatusCode::SERVICE_UNAVAILABLE => "service unavailable".to_owned(),
                _ => "internal server error".to_owned(),
            }
        }
        // A client error raised by actix itself (a path or query that does not parse, CORS):
        // its text describes the request, not our internals.
        s => match error {
            Some(e) => e.to_string(),
            None => s.canonical_reason().unwrap_or("request failed").to_lowercase(),
        },
    };
    (message, Vec::new())
}
