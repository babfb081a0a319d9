//! [`Reply`]: what a handler returns on success, in whichever encoding the client accepts.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Responder};
use prost::{Message, Name};
use serde::Serialize;

use crate::encoding::Encoding;
use crate::envelope;

/// A successful answer holding `data`. Any type generated from the `.proto` contract can be
/// returned: it is serialised as JSON or Protobuf by content negotiation, inside the envelope,
/// with no code specific to the route.
#[derive(Debug)]
pub struct Reply<T> {
    status: StatusCode,
    message: &'static str,
    data: T,
}

impl<T> Reply<T> {
    /// `200 OK` with `data`.
    pub fn ok(data: T) -> Self {
        Self { status: StatusCode::OK, message: "ok", data }
    }

    /// `201 Created` with `data`.
    pub fn created(data: T) -> Self {
        Self { status: StatusCode::CREATED, message: "created", data }
    }

    /// `202 Accepted` with `data`: the work will happen in the background.
    pub fn accepted(data: T) -> Self {
        Self { status: StatusCode::ACCEPTED, message: "accepted", data }
    }

    /// Replaces the envelope's `message`.
    pub fn with_message(mut self, message: &'static str) -> Self {
        self.message = message;
        self
    }
}

impl<T: Serialize + Message + Name> Responder for Reply<T> {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        envelope::success(Encoding::negotiated(req), self.status, &self.data, self.message)
    }
}
