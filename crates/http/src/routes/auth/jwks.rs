//! `GET /.well-known/jwks.json`

use actix_web::{HttpResponse, web};
use switchboard_ports::TokenIssuer;

/// The public keys verifying access tokens, as a JSON Web Key Set (RFC 7517). Plain JSON, not
/// the envelope: JWKS clients expect the standard document.
#[utoipa::path(
    get, operation_id = "jwks", path = "/.well-known/jwks.json", tag = "auth",
    responses((status = 200, description = "JSON Web Key Set", content_type = "application/json"))
)]
pub async fn jwks<T: TokenIssuer>(tokens: web::Data<T>) -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=300")).json(tokens.jwks())
}
