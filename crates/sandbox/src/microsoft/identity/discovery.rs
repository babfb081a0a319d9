//! OpenID discovery and the JWKS
//! (<https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc>).

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::claims::{TokenVersion, issuer_v1};
use super::{AadError, fail, issuer, tenant};
use crate::store::Store;

/// The v2.0 metadata (`/{tenant}/v2.0/.well-known/openid-configuration`).
pub(super) async fn openid(segment: web::Path<String>, store: web::Data<Store>) -> HttpResponse {
    metadata(&segment, &store, TokenVersion::V2)
}

/// The v1.0 metadata (`/{tenant}/.well-known/openid-configuration`): the issuer of v1.0
/// tokens, `https://sts.windows.net/{tenantid}/`, and the same keys.
pub(super) async fn openid_v1(segment: web::Path<String>, store: web::Data<Store>) -> HttpResponse {
    metadata(&segment, &store, TokenVersion::V1)
}

fn metadata(segment: &str, store: &Store, version: TokenVersion) -> HttpResponse {
    let tenant_id = match tenant(store, segment) {
        Ok(id) => id,
        Err(e) => return fail(store, &e),
    };
    let origin = store.origin();
    let base = format!("{origin}/microsoft/login/{segment}");
    // For the multi-tenant aliases the issuer is a template, as Microsoft publishes it.
    let named = if segment == tenant_id || !matches!(segment, "common" | "organizations") {
        tenant_id.as_str()
    } else {
        "{tenantid}"
    };
    let (issuer, oauth, keys) = match version {
        TokenVersion::V2 => (issuer(origin, named), "oauth2/v2.0", "discovery/v2.0/keys"),
        TokenVersion::V1 => (issuer_v1(named), "oauth2", "discovery/keys"),
    };
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/{oauth}/authorize"),
        "token_endpoint": format!("{base}/{oauth}/token"),
        "jwks_uri": format!("{base}/{keys}"),
        "end_session_endpoint": format!("{base}/{oauth}/logout"),
        "userinfo_endpoint": format!("{origin}/microsoft/graph/oidc/userinfo"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "preferred_username", "email", "nonce", "ver"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "request_uri_parameter_supported": false,
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
    }))
}

pub(super) async fn keys(segment: web::Path<String>, store: web::Data<Store>) -> HttpResponse {
    let tenant_id = match tenant(&store, &segment) {
        Ok(id) => id,
        Err(e) => return fail(&store, &e),
    };
    match store.signing_key() {
        Ok(key) => HttpResponse::Ok().json(key.jwks(&issuer(store.origin(), &tenant_id))),
        Err(e) => fail(
            &store,
            &AadError::new("server_error", 90_000, e.to_string())
                .status(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
        ),
    }
}
