//! `POST /{tenant}/oauth2/v2.0/token`: the `authorization_code` grant (with the PKCE check),
//! `refresh_token` (rotating: a redeemed refresh token is dead), and On-Behalf-Of
//! (`urn:ietf:params:oauth:grant-type:jwt-bearer` with `requested_token_use=on_behalf_of`,
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow>), which
//! validates the assertion's signature, audience, issuer and expiry.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::claims::issuer_v1;
use super::claims::{GraphClaims, normalize_scopes};
use super::issue::{Grant, issue};
use super::state::{RefreshState, TokenFault};
use super::{AadError, fail, issuer, tenant};
use crate::slack::oauth::basic;
use crate::store::Store;

const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

type Form = HashMap<String, String>;

fn arg<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

pub(super) async fn token(
    req: HttpRequest,
    segment: web::Path<String>,
    body: web::Bytes,
    store: web::Data<Store>,
) -> HttpResponse {
    match grant(&req, &segment, &body, &store) {
        Ok(answer) => HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(answer),
        Err(error) => fail(&store, &error),
    }
}

fn grant(req: &HttpRequest, segment: &str, body: &[u8], store: &Store) -> Result<Value, AadError> {
    let tenant_id = tenant(store, segment)?;
    let form: Form = serde_urlencoded::from_bytes(body).map_err(|_| {
        AadError::new(
            "invalid_request",
            9_002_313,
            "Invalid request. Request is malformed or invalid.",
        )
    })?;
    let grant_type = arg(&form, "grant_type").ok_or_else(|| AadError::missing("grant_type"))?;
    let client_id = authenticate(req, &form, store)?;
    let grant = match grant_type {
        "authorization_code" => code_grant(&form, &client_id, store)?,
        "refresh_token" => refresh_grant(&form, &client_id, store)?,
        JWT_BEARER => obo_grant(&form, &client_id, &tenant_id, store)?,
        other => {
            return Err(AadError::new(
                "unsupported_grant_type",
                70_003,
                format!("The app requested an unsupported grant type '{other}'."),
            ));
        }
    };
    issue(store, &tenant_id, grant)
}

/// The client, authenticated by its secret (form or HTTP Basic).
fn authenticate(req: &HttpRequest, form: &Form, store: &Store) -> Result<String, AadError> {
    let (client_id, secret) = match basic(req) {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            arg(form, "client_id").ok_or_else(|| AadError::missing("client_id"))?.to_owned(),
            arg(form, "client_secret").map(str::to_owned),
        ),
    };
    let identity = store.identity();
    let client = identity.clients.get(&client_id).ok_or_else(|| {
        AadError::new(
            "unauthorized_client",
            700_016,
            format!("Application with identifier '{client_id}' was not found in the directory."),
        )
    })?;
    match secret {
        None => Err(AadError::new(
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
        .status(StatusCode::UNAUTHORIZED)),
        Some(secret) if secret != client.secret => Err(AadError::new(
            "invalid_client",
            7_000_215,
            format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
        )
        .status(StatusCode::UNAUTHORIZED)),
        Some(_) => Ok(client_id),
    }
}

fn code_grant(form: &Form, client_id: &str, store: &Store) -> Result<Grant, AadError> {
    let code = arg(form, "code").ok_or_else(|| AadError::missing("code"))?;
    let mut identity = store.identity();
    let invalid = || {
        AadError::invalid_grant(70_000, "The provided value for the 'code' parameter is not valid.")
    };
    let issued = identity.codes.get_mut(code).ok_or_else(invalid)?;
    if issued.client_id != client_id {
        return Err(invalid());
    }
    if issued.used {
        return Err(AadError::invalid_grant(
            54_005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    if issued.expires <= Instant::now() {
        return Err(AadError::invalid_grant(
            70_008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        ));
    }
    if arg(form, "redirect_uri") != Some(issued.redirect_uri.as_str()) {
        return Err(AadError::invalid_grant(
            500_112,
            "The reply address does not match the reply address provided when requesting the authorization code.",
        ));
    }
    if let Some((challenge, method)) = &issued.challenge {
        let verifier =
            arg(form, "code_verifier").ok_or_else(|| AadError::missing("code_verifier"))?;
        let computed = if method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_owned()
        };
        if computed != *challenge {
            return Err(AadError::invalid_grant(
                501_481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            ));
        }
    }
    issued.used = true;
    Ok(Grant {
        mailbox: issued.mailbox,
        client_id: client_id.to_owned(),
        scopes: issued.scopes.clone(),
        nonce: issued.nonce.clone(),
        id_token: true,
    })
}

fn refresh_grant(form: &Form, client_id: &str, store: &Store) -> Result<Grant, AadError> {
    let token = arg(form, "refresh_token").ok_or_else(|| AadError::missing("refresh_token"))?;
    let mut identity = store.identity();
    let malformed =
        || AadError::invalid_grant(9_002_313, "Invalid request. Request is malformed or invalid.");
    let refresh = identity.refresh.get(token).ok_or_else(malformed)?;
    if refresh.client_id != client_id {
        return Err(AadError::invalid_grant(
            70_000,
            "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
        ));
    }
    match refresh.state {
        RefreshState::Live => {}
        RefreshState::Used => {
            return Err(AadError::invalid_grant(
                70_000,
                "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid. The refresh token was already redeemed.",
            ));
        }
        RefreshState::Revoked => {
            return Err(AadError::invalid_grant(
                50_173,
                "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
            ));
        }
        RefreshState::Expired => {
            return Err(AadError::invalid_grant(
                700_082,
                "The refresh token has expired due to inactivity. The token was issued and was inactive for 90.00:00:00.",
            ));
        }
    }
    let (mailbox, granted) = (refresh.mailbox, refresh.scopes.clone());
    let client_name = identity.clients.get(client_id).map(|c| c.name.clone()).unwrap_or_default();
    forced(&mut identity, client_id, &client_name)?;
    let scopes = match arg(form, "scope") {
        Some(raw) => {
            let asked = normalize_scopes(raw);
            if asked.iter().any(|s| !granted.contains(s)) {
                return Err(consent_required(client_id, &client_name));
            }
            // The refresh token keeps the whole grant; a narrower request narrows the access token only.
            asked
                .into_iter()
                .chain(granted.iter().filter(|s| *s == "offline_access").cloned())
                .collect()
        }
        None => granted,
    };
    if let Some(refresh) = identity.refresh.get_mut(token) {
        refresh.state = RefreshState::Used;
    }
    Ok(Grant { mailbox, client_id: client_id.to_owned(), scopes, nonce: None, id_token: true })
}

fn consent_required(client_id: &str, name: &str) -> AadError {
    let mut error = AadError::invalid_grant(
        65_001,
        format!(
            "The user or administrator has not consented to use the application with ID '{client_id}' named '{name}'. Send an interactive authorization request for this user and resource."
        ),
    );
    error.suberror = Some("consent_required");
    error
}

/// The forced error pending for non-interactive grants, if any.
fn forced(identity: &mut super::Identity, client_id: &str, name: &str) -> Result<(), AadError> {
    match identity.take_forced() {
        None => Ok(()),
        Some(TokenFault::ConsentRequired) => Err(consent_required(client_id, name)),
        Some(TokenFault::InteractionRequired) => {
            let policy = identity.guid();
            let mut error = AadError::new(
                "interaction_required",
                50_076,
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
            );
            error.claims = Some(format!(
                "{{\"access_token\":{{\"capolids\":{{\"essential\":true,\"values\":[\"{policy}\"]}}}}}}"
            ));
            Err(error)
        }
    }
}

fn obo_grant(
    form: &Form,
    client_id: &str,
    tenant_id: &str,
    store: &Store,
) -> Result<Grant, AadError> {
    if arg(form, "requested_token_use") != Some("on_behalf_of") {
        return Err(AadError::missing("requested_token_use"));
    }
    let assertion = arg(form, "assertion").ok_or_else(|| AadError::missing("assertion"))?;
    let scope = arg(form, "scope").ok_or_else(|| AadError::missing("scope"))?;
    let key =
        store.signing_key().map_err(|e| AadError::new("server_error", 90_000, e.to_string()))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 0;
    validation.set_audience(&[client_id.to_owned(), format!("api://{client_id}")]);
    // An API's app registration may accept v1.0 tokens or v2.0 ones: either is an assertion.
    validation.set_issuer(&[issuer(store.origin(), tenant_id), issuer_v1(tenant_id)]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let claims = jsonwebtoken::decode::<GraphClaims>(assertion, &key.decoding, &validation)
        .map_err(|e| assertion_error(e.kind(), client_id, assertion))?
        .claims;
    let mailbox = store.read().microsoft.mailbox_index(&claims.oid).ok_or_else(|| {
        AadError::invalid_grant(
            50_034,
            format!("The user account {} does not exist in the {tenant_id} directory.", claims.oid),
        )
    })?;
    let mut identity = store.identity();
    let client_name = identity.clients.get(client_id).map(|c| c.name.clone()).unwrap_or_default();
    forced(&mut identity, client_id, &client_name)?;
    Ok(Grant {
        mailbox,
        client_id: client_id.to_owned(),
        scopes: normalize_scopes(scope),
        nonce: None,
        id_token: false,
    })
}

fn assertion_error(kind: &ErrorKind, client_id: &str, assertion: &str) -> AadError {
    match kind {
        ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => AadError::invalid_grant(
            500_133,
            format!(
                "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: {}.",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ")
            ),
        ),
        ErrorKind::InvalidAudience => {
            let aud = jsonwebtoken::dangerous::insecure_decode::<Value>(assertion)
                .ok()
                .and_then(|t| t.claims.get("aud").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_default();
            AadError::invalid_grant(
                50_013,
                format!(
                    "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '{aud}' and the expected audience is '{client_id}' or one of the Application Id URIs of this client app."
                ),
            )
        }
        ErrorKind::InvalidIssuer => {
            AadError::invalid_grant(50_013, "Assertion issuer is not valid.")
        }
        _ => AadError::invalid_grant(
            50_013,
            "Assertion failed signature validation. [Reason - The key was not found.]",
        ),
    }
}
