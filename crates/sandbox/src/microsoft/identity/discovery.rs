//! OpenID discovery and the JWKS
//! (<https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc>).

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::{AadError, fail, issuer, tenant};
use crate::store::Store;

pub(super) async fn openid(segment: web::Path<String>, store: web::Data<Store>) -> HttpResponse {
    let tenant_id = match tenant(&store, &segment) {
        Ok(id) => id,
        Err(e) => return fail(&store, &e),
    };
    let origin = store.origin();
    let base = format!("{origin}/microsoft/login/{segment}");
    // For the multi-tenant aliases the issuer is a template, as Microsoft publishes it.
    let issuer = if segment.as_str() == tenant_id
        || !matches!(segment.as_str(), "common" | "organizations")
    {
        issuer(origin, &tenant_id)
    } else {
        issuer(origin, "{tenantid}")
    };
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
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
