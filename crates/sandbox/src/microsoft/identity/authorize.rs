//! `GET /{tenant}/oauth2/v2.0/authorize`
//! (<https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow>): signs in
//! at once as the mailbox named by `login_hint` (the demo mailbox otherwise) and sends the
//! browser back to `redirect_uri` with `code` and `state`. An unknown tenant or app or a
//! redirect URI the app did not register stops on an error page, since the browser cannot be
//! trusted to go back there; other errors go back to `redirect_uri` with `error`,
//! `error_description` and `state`.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, web};

use super::claims::normalize_scopes;
use super::state::Code;
use super::{AadError, tenant};
use crate::slack::oauth::back_to;
use crate::store::Store;

fn page(error: &AadError) -> HttpResponse {
    HttpResponse::BadRequest().content_type("text/html; charset=utf-8").body(format!(
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>\
         <h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS{}: {}</p></body></html>",
        error.code, error.message
    ))
}

/// Whether the redirect URI is a loopback one (`http://127.0.0.1`, `http://localhost`,
/// `http://[::1]`, any port).
fn loopback(uri: &str) -> Option<String> {
    for host in ["http://127.0.0.1", "http://localhost", "http://[::1]"] {
        if let Some(rest) = uri.strip_prefix(host) {
            let path = match rest.strip_prefix(':') {
                Some(port_and_path) => {
                    let cut = port_and_path.find('/').unwrap_or(port_and_path.len());
                    if !port_and_path[..cut].bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    &port_and_path[cut..]
                }
                None if rest.is_empty() || rest.starts_with('/') => rest,
                None => return None,
            };
            return Some(format!("{host}{path}"));
        }
    }
    None
}

/// Whether the app registered `uri`: exactly, or a loopback URI ignoring the port. Loopback
/// URIs are accepted for an app that registered none, so local clients work out of the box.
pub(crate) fn redirect_allowed(registered: &[String], uri: &str) -> bool {
    if registered.iter().any(|r| r == uri) {
        return true;
    }
    match loopback(uri) {
        Some(portless) => {
            registered.is_empty()
                || registered.iter().any(|r| loopback(r).as_deref() == Some(portless.as_str()))
        }
        None => false,
    }
}

pub(super) async fn authorize(
    req: HttpRequest,
    segment: web::Path<String>,
    store: web::Data<Store>,
) -> HttpResponse {
    let args: HashMap<String, String> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let arg = |name: &str| args.get(name).map(String::as_str).filter(|v| !v.is_empty());
    if let Err(e) = tenant(&store, &segment) {
        return page(&e);
    }
    let Some(client_id) = arg("client_id") else { return page(&AadError::missing("client_id")) };
    let Some(redirect_uri) = arg("redirect_uri") else {
        return page(&AadError::missing("redirect_uri"));
    };
    let mut identity = store.identity();
    let Some(client) = identity.clients.get(client_id) else {
        return page(&AadError::new(
            "unauthorized_client",
            700_016,
            format!("Application with identifier '{client_id}' was not found in the directory."),
        ));
    };
    if !redirect_allowed(&client.redirect_uris, redirect_uri) {
        return page(&AadError::new(
            "invalid_request",
            50_011,
            format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'."
            ),
        ));
    }
    let state = arg("state").unwrap_or("");
    let back_error = |error: AadError| {
        let description = format!("AADSTS{}: {}", error.code, error.message);
        back_to(
            redirect_uri,
            &[("error", error.error), ("error_description", &description), ("state", state)],
        )
    };
    if arg("response_type") != Some("code") {
        return back_error(AadError::new(
            "unsupported_response_type",
            700_054,
            "response_type 'code' is the only one this app may use.",
        ));
    }
    let Some(scope) = arg("scope") else { return back_error(AadError::missing("scope")) };
    let challenge = match (arg("code_challenge"), arg("code_challenge_method").unwrap_or("plain")) {
        (None, _) => None,
        (Some(c), method @ ("S256" | "plain")) if (43..=128).contains(&c.len()) => {
            Some((c.to_owned(), method.to_owned()))
        }
        (Some(_), "S256" | "plain") => {
            return back_error(AadError::new(
                "invalid_request",
                501_491,
                "Invalid size of Code_Challenge parameter.",
            ));
        }
        (Some(_), _) => {
            return back_error(AadError::new(
                "invalid_request",
                501_471,
                "Invalid code_challenge_method.",
            ));
        }
    };
    if identity.deny > 0 {
        identity.deny -= 1;
        return back_error(AadError::new(
            "access_denied",
            65_004,
            "User declined to consent to access the app.",
        ));
    }
    let mailbox = {
        let state = store.read();
        arg("login_hint").and_then(|hint| state.microsoft.mailbox_index(hint)).unwrap_or(0)
    };
    let code = identity.mint("1.AQ", 180);
    let session = identity.guid();
    let issued = Code {
        client_id: client_id.to_owned(),
        mailbox,
        redirect_uri: redirect_uri.to_owned(),
        challenge,
        scopes: normalize_scopes(scope),
        nonce: arg("nonce").map(str::to_owned),
        expires: Instant::now() + identity.code_ttl,
        used: false,
    };
    identity.codes.insert(code.clone(), issued);
    back_to(redirect_uri, &[("code", &code), ("state", state), ("session_state", &session)])
}
