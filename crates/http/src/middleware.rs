//! The middleware every request goes through, outermost first: request id and logging, the
//! envelope for every error, then CORS; panic capture sits on each resource, nearest the
//! handler.

pub mod catch_panic;
pub mod envelope;
pub mod request_id;
