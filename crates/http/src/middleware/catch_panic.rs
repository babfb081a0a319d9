//! Turns a panicking handler into a 500 in the envelope instead of a dropped connection.
//! The panic itself is logged by the process's panic hook, inside the request's span, so the
//! log line carries the request id; the client learns nothing of it.

use std::panic::AssertUnwindSafe;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use futures_util::FutureExt;

use crate::error::ApiError;

/// The middleware function (see `actix_web::middleware::from_fn`).
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let request = req.request().clone();
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(res) => res.map(ServiceResponse::map_into_left_body),
        Err(_) => {
            let error = ApiError::Internal("a handler panicked".to_owned());
            Ok(ServiceResponse::new(request, HttpResponse::from_error(error)).map_into_right_body())
        }
    }
}
