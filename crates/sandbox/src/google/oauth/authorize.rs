//! `GET /google/oauth/o/oauth2/v2/auth`: consents at once as the mailbox `login_hint` names
//! (the demo mailbox otherwise) and sends the browser back to `redirect_uri` with `code` and
//! `state`. An unknown client or a redirect URI it may not use stops on an error page (the
//! browser cannot be trusted to go back there); other errors go back with `error`.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, web};

use super::{CODE_TTL, Code, known, scopes};
use crate::microsoft::identity::redirect_allowed;
use crate::slack::oauth::back_to;
use crate::store::Store;

fn page(status: u16, error: &str, detail: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(format!(
        "<!DOCTYPE html><html><head><title>Error {}: {error}</title></head><body>\
         <h1>Access blocked: authorization error</h1><p>Error {}: {error}</p><p>{detail}</p></body></html>",
        status.as_u16(),
        status.as_u16(),
    ))
}

pub(super) async fn authorize(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    let args: HashMap<String, String> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let arg = |name: &str| args.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client_id) = arg("client_id") else {
        return page(400, "invalid_request", "Missing required parameter: client_id");
    };
    let Some(redirect_uri) = arg("redirect_uri") else {
        return page(400, "invalid_request", "Missing required parameter: redirect_uri");
    };
    let mut google = store.google();
    if !google.auth.clients.contains_key(client_id) {
        return page(401, "invalid_client", "The OAuth client was not found.");
    }
    // The sandbox's clients register no redirect URI: loopback ones work on any port.
    if !redirect_allowed(&[], redirect_uri) {
        return page(
            400,
            "redirect_uri_mismatch",
            &format!(
                "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri={redirect_uri}"
            ),
        );
    }
    let state = arg("state").unwrap_or("");
    let back_error = |error: &str, description: &str| {
        let mut params = vec![("error", error)];
        if !description.is_empty() {
            params.push(("error_description", description));
        }
        params.push(("state", state));
        back_to(redirect_uri, &params)
    };
    if arg("response_type") != Some("code") {
        return back_error("unsupported_response_type", "");
    }
    let Some(scope) = arg("scope") else {
        return back_error("invalid_request", "Missing required parameter: scope");
    };
    let mut asked = scopes(scope);
    if let Some(unknown) = known(&asked) {
        return back_error(
            "invalid_scope",
            &format!("Some requested scopes were invalid. {{invalid=[{unknown}]}}"),
        );
    }
    let challenge = match (arg("code_challenge"), arg("code_challenge_method").unwrap_or("plain")) {
        (None, _) => None,
        (Some(c), method @ ("S256" | "plain"))
            if (43..=128).contains(&c.len())
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) =>
        {
            Some((c.to_owned(), method.to_owned()))
        }
        (Some(_), "S256" | "plain") => {
            return back_error("invalid_request", "Invalid code_challenge.");
        }
        (Some(_), _) => {
            return back_error("invalid_request", "Invalid code_challenge_method.");
        }
    };
    if google.auth.deny > 0 {
        google.auth.deny -= 1;
        return back_error("access_denied", "");
    }
    let mailbox = arg("login_hint").and_then(|hint| google.mailbox_index(hint)).unwrap_or(0);
    let key = (client_id.to_owned(), mailbox);
    let previous = google.auth.granted.get(&key).cloned();
    if arg("include_granted_scopes") == Some("true") {
        asked.extend(previous.iter().flatten().cloned());
    }
    let offline = arg("access_type") == Some("offline");
    let consent = arg("prompt").is_some_and(|p| p.split_whitespace().any(|p| p == "consent"));
    let refresh = offline && (previous.is_none() || consent);
    google.auth.granted.entry(key).or_default().extend(asked.iter().cloned());
    let code = google.auth.mint("4/0AanRRrt", 60);
    let issued = Code {
        client_id: client_id.to_owned(),
        mailbox,
        redirect_uri: redirect_uri.to_owned(),
        challenge,
        scopes: asked.clone(),
        refresh,
        expires: Instant::now() + CODE_TTL,
        used: false,
    };
    google.auth.codes.insert(code.clone(), issued);
    let scope = asked.into_iter().collect::<Vec<_>>().join(" ");
    back_to(
        redirect_uri,
        &[
            ("state", state),
            ("code", &code),
            ("scope", &scope),
            ("authuser", "0"),
            ("prompt", "consent"),
        ],
    )
}
