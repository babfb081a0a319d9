//! The fake Microsoft identity platform (<https://learn.microsoft.com/entra/identity-platform/>)
//! under `/microsoft/login/{tenant}`: the authorization endpoint (code flow with PKCE), the
//! token endpoint (`authorization_code`, `refresh_token` with rotation, and the On-Behalf-Of
//! `jwt-bearer` grant), OpenID discovery and the JWKS. Errors are Microsoft's JSON: `error`,
//! `error_description` starting with the AADSTS code, `error_codes`, `timestamp`, `trace_id`,
//! `correlation_id`, and `claims` with `interaction_required`.

mod authorize;
mod claims;
mod discovery;
mod error;
mod issue;
pub(crate) mod keys;
mod state;
mod token;

pub(crate) use authorize::redirect_allowed;
pub use claims::TokenVersion;
pub(crate) use claims::{GRAPH_AUDIENCE, GraphClaims, issuer};
pub(crate) use error::AadError;
pub(crate) use issue::{mint_access, mint_access_of};
pub use state::TokenFault;
pub(crate) use state::{Client, Identity, RefreshState};

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/microsoft/login/{tenant}")
            .route("/oauth2/v2.0/authorize", web::get().to(authorize::authorize))
            .route("/oauth2/v2.0/token", web::post().to(token::token))
            .route("/v2.0/.well-known/openid-configuration", web::get().to(discovery::openid))
            .route("/.well-known/openid-configuration", web::get().to(discovery::openid_v1))
            .route("/discovery/v2.0/keys", web::get().to(discovery::keys))
            .route("/discovery/keys", web::get().to(discovery::keys)),
    );
}

/// Which tenant a `{tenant}` path segment names: ours by id or domain, or one of the
/// multi-tenant aliases.
pub(crate) fn known_tenant(segment: &str, id: &str, domain: &str) -> bool {
    segment == id
        || segment.eq_ignore_ascii_case(domain)
        || matches!(segment, "common" | "organizations")
}

/// The tenant id when `segment` names our tenant, else AADSTS90002.
pub(crate) fn tenant(store: &crate::store::Store, segment: &str) -> Result<String, AadError> {
    let state = store.read();
    let tenant = &state.microsoft;
    if known_tenant(segment, &tenant.id, &tenant.domain) {
        Ok(tenant.id.clone())
    } else {
        Err(AadError::new(
            "invalid_request",
            90_002,
            format!(
                "Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        ))
    }
}

/// Answers `error` with fresh trace and correlation ids.
pub(crate) fn fail(store: &crate::store::Store, error: &AadError) -> actix_web::HttpResponse {
    let (trace, correlation) = {
        let mut identity = store.identity();
        (identity.guid(), identity.guid())
    };
    error.respond(store.origin(), &trace, &correlation)
}
