//! `POST /google/oauth/token` (`authorization_code` with the PKCE check, `refresh_token`
//! without rotation) and `POST /google/oauth/revoke` (a refresh or an access token; revoking
//! either kills the grant it belongs to).

use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{GoogleAuth, Refresh, oauth_error, scopes};
use crate::slack::oauth::basic;
use crate::store::Store;

type Form = HashMap<String, String>;

/// A refused token request: status, `error`, `error_description`.
struct Refused(StatusCode, &'static str, String);

fn bad(error: &'static str, description: impl Into<String>) -> Refused {
    Refused(StatusCode::BAD_REQUEST, error, description.into())
}

fn missing(parameter: &str) -> Refused {
    bad("invalid_request", format!("Missing required parameter: {parameter}"))
}

fn arg<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.get(name).map(String::as_str).filter(|v| !v.is_empty())
}

pub(super) async fn token(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> HttpResponse {
    match grant(&req, &body, &store) {
        Ok(answer) => HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(answer),
        Err(Refused(status, error, description)) => oauth_error(status, error, &description),
    }
}

fn grant(req: &HttpRequest, body: &[u8], store: &Store) -> Result<Value, Refused> {
    let form: Form = serde_urlencoded::from_bytes(body)
        .map_err(|_| bad("invalid_request", "Invalid request body."))?;
    let mut google = store.google();
    let auth = &mut google.auth;
    let client_id = authenticate(req, &form, auth)?;
    match arg(&form, "grant_type").ok_or_else(|| missing("grant_type"))? {
        "authorization_code" => code_grant(&form, &client_id, auth),
        "refresh_token" => refresh_grant(&form, &client_id, auth),
        other => Err(bad("unsupported_grant_type", format!("Invalid grant_type: {other}"))),
    }
}

/// The client, by its secret in the form or in HTTP Basic.
fn authenticate(req: &HttpRequest, form: &Form, auth: &GoogleAuth) -> Result<String, Refused> {
    let (client_id, secret) = match basic(req) {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            arg(form, "client_id").ok_or_else(|| missing("client_id"))?.to_owned(),
            arg(form, "client_secret").map(str::to_owned),
        ),
    };
    let unauthorized = |description: &str| {
        Refused(StatusCode::UNAUTHORIZED, "invalid_client", description.to_owned())
    };
    match auth.clients.get(&client_id) {
        None => Err(unauthorized("The OAuth client was not found.")),
        Some(expected) if secret.as_deref() != Some(expected.as_str()) => {
            Err(unauthorized("Unauthorized"))
        }
        Some(_) => Ok(client_id),
    }
}

fn code_grant(form: &Form, client_id: &str, auth: &mut GoogleAuth) -> Result<Value, Refused> {
    let code = arg(form, "code").ok_or_else(|| missing("code"))?;
    if !code.starts_with("4/") {
        return Err(bad("invalid_grant", "Malformed auth code."));
    }
    let issued = auth.codes.get_mut(code).ok_or_else(|| bad("invalid_grant", "Bad Request"))?;
    if issued.used || issued.client_id != client_id || issued.expires <= Instant::now() {
        return Err(bad("invalid_grant", "Bad Request"));
    }
    if arg(form, "redirect_uri") != Some(issued.redirect_uri.as_str()) {
        return Err(bad("redirect_uri_mismatch", "Bad Request"));
    }
    if let Some((challenge, method)) = &issued.challenge {
        let verifier = arg(form, "code_verifier")
            .ok_or_else(|| bad("invalid_grant", "Missing code verifier."))?;
        let computed = if method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_owned()
        };
        if computed != *challenge {
            return Err(bad("invalid_grant", "Invalid code verifier."));
        }
    }
    issued.used = true;
    let (mailbox, granted, with_refresh) = (issued.mailbox, issued.scopes.clone(), issued.refresh);
    let refresh = with_refresh.then(|| {
        let token = auth.mint("1//0g", 100);
        let refresh = Refresh {
            client_id: client_id.to_owned(),
            mailbox,
            scopes: granted.clone(),
            revoked: false,
        };
        auth.refresh.insert(token.clone(), refresh);
        token
    });
    let access = auth.issue_access(mailbox, granted.clone(), refresh.clone());
    let mut answer = answer(auth, &access, &granted);
    if let Some(refresh) = refresh {
        answer["refresh_token"] = json!(refresh);
        answer["refresh_token_expires_in"] = json!(604_799);
    }
    Ok(answer)
}

/// Google does not rotate: the answer carries no refresh token and the old one stays good.
fn refresh_grant(form: &Form, client_id: &str, auth: &mut GoogleAuth) -> Result<Value, Refused> {
    let token = arg(form, "refresh_token").ok_or_else(|| missing("refresh_token"))?;
    let refresh = auth.refresh.get(token).filter(|r| r.client_id == client_id);
    let Some(refresh) = refresh.filter(|r| !r.revoked) else {
        return Err(bad("invalid_grant", "Token has been expired or revoked."));
    };
    let (mailbox, granted) = (refresh.mailbox, refresh.scopes.clone());
    let scopes = match arg(form, "scope") {
        Some(raw) => {
            let asked = scopes(raw);
            if let Some(extra) = asked.iter().find(|s| !granted.contains(*s)) {
                return Err(bad(
                    "invalid_scope",
                    format!("Some requested scopes were invalid. {{invalid=[{extra}]}}"),
                ));
            }
            asked
        }
        None => granted,
    };
    let access = auth.issue_access(mailbox, scopes.clone(), Some(token.to_owned()));
    Ok(answer(auth, &access, &scopes))
}

fn answer(auth: &GoogleAuth, access: &str, scopes: &std::collections::BTreeSet<String>) -> Value {
    json!({
        "access_token": access,
        "expires_in": auth.token_lifetime.as_secs(),
        "scope": scopes.iter().cloned().collect::<Vec<_>>().join(" "),
        "token_type": "Bearer",
    })
}

/// `POST /revoke?token=…` (or `token` in a form body): 200 with an empty body, or 400
/// `invalid_token` for a token it does not know or that is dead already.
pub(super) async fn revoke(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> HttpResponse {
    let query: Form = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let form: Form = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let Some(token) = arg(&query, "token").or_else(|| arg(&form, "token")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Bad Request");
    };
    let mut google = store.google();
    let auth = &mut google.auth;
    let refresh_token = match (auth.refresh.get(token), auth.access.get(token)) {
        (Some(r), _) if !r.revoked => Some(token.to_owned()),
        (_, Some(a)) if !a.dead => {
            // An access token's grant dies with it, refresh token included.
            let parent = a.refresh.clone();
            if let Some(a) = auth.access.get_mut(token) {
                a.dead = true;
            }
            if parent.is_none() {
                return HttpResponse::Ok().content_type("application/json").body("{}");
            }
            parent
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_token",
                "Token expired or revoked",
            );
        }
    };
    if let Some(refresh_token) = refresh_token {
        if let Some(r) = auth.refresh.get_mut(&refresh_token) {
            r.revoked = true;
        }
        for access in auth.access.values_mut() {
            if access.refresh.as_deref() == Some(refresh_token.as_str()) {
                access.dead = true;
            }
        }
    }
    HttpResponse::Ok().content_type("application/json").body("{}")
}
