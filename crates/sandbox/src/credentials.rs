//! Credentials as requests carry them.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The token of `Authorization: Bearer <token>` (the scheme is case-insensitive), if any.
pub(crate) fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}
