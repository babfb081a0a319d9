//! [`Path`]: the route's path parameters, with NUL characters refused.
//!
//! In place of actix-web's `web::Path`, which it wraps; clippy's `disallowed-types`
//! (`clippy.toml`) keeps that one out of handlers.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::nul;

/// The path parameters decoded into `T` (a `String` for one `{id}`). A NUL in a segment is a
/// 422 naming the parameter; a segment that does not decode into `T` is a 404, as for any
/// path that names nothing.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T> Path<T> {
    /// The decoded parameters.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Path<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Path<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        // The router has percent-decoded the segments already (all but `%25`, `%2F`, `%2B`,
        // which cannot make a NUL).
        if let Err(e) = nul::refuse_in_params(req.match_info().iter()) {
            return ready(Err(e));
        }
        #[expect(clippy::disallowed_types, reason = "the one place that wraps it")]
        let decoded = actix_web::web::Path::<T>::from_request(req, payload).into_inner();
        ready(
            decoded
                .map(|path| Path(path.into_inner()))
                .map_err(|e| ApiError::NotFound(format!("no such resource: {e}"))),
        )
    }
}
