//! The fake Google OAuth 2.0 server and Gmail API v1 against Google's documentation.

mod gmail;
mod history;
mod oauth;

use reqwest::StatusCode;
use serde_json::Value;
use switchboard_sandbox::{GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, RunningSandbox};

use crate::microsoft::{REDIRECT, challenge, no_redirects, param};
use crate::support::client;

pub(super) const DEMO: &str = "demo.halden@gmail.com";
pub(super) const READONLY: &str = "https://www.googleapis.com/auth/gmail.readonly";
pub(super) const MODIFY: &str = "https://www.googleapis.com/auth/gmail.modify";
pub(super) const SEND: &str = "https://www.googleapis.com/auth/gmail.send";
pub(super) const VERIFIER: &str = "google-sandbox-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

/// Authorizes as a browser would; the query the browser is sent back with.
pub(super) async fn authorize(
    sb: &RunningSandbox,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let challenge = challenge(VERIFIER);
    let mut query = vec![
        ("client_id", GOOGLE_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", READONLY),
        ("state", "state-g"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("access_type", "offline"),
        ("login_hint", DEMO),
    ];
    query.extend_from_slice(extra);
    let url = format!("{}/o/oauth2/v2/auth", sb.google_oauth_base_url());
    let response = no_redirects().get(url).query(&query).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND, "{:?}", response.text().await);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let back = location.strip_prefix(&format!("{REDIRECT}?")).unwrap();
    serde_urlencoded::from_str(back).unwrap()
}

/// Posts a form to the token endpoint with the built-in client's credentials.
pub(super) async fn token(sb: &RunningSandbox, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut form = form.to_vec();
    form.push(("client_id", GOOGLE_CLIENT_ID));
    form.push(("client_secret", GOOGLE_CLIENT_SECRET));
    let response = client().post(sb.google_token_url()).form(&form).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// A code exchanged with PKCE.
pub(super) async fn sign_in(sb: &RunningSandbox, extra: &[(&str, &str)]) -> Value {
    let back = authorize(sb, extra).await;
    let code = param(&back, "code").unwrap().to_owned();
    let (status, body) = token(
        sb,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// `GET {gmail}/gmail/v1/users/me/{path}` with a bearer token.
pub(super) async fn get(
    sb: &RunningSandbox,
    token: &str,
    path: &str,
    query: &[(&str, &str)],
) -> reqwest::Response {
    client()
        .get(format!("{}gmail/v1/users/me/{path}", sb.gmail_base_url()))
        .bearer_auth(token)
        .query(query)
        .send()
        .await
        .unwrap()
}

/// The same, expecting 200 and JSON.
pub(super) async fn get_json(
    sb: &RunningSandbox,
    token: &str,
    path: &str,
    query: &[(&str, &str)],
) -> Value {
    let response = get(sb, token, path, query).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// Google's error `reason`, after checking the shape of the body.
pub(super) async fn reason(response: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    let error = &body["error"];
    assert_eq!(error["code"], status.as_u16(), "{body}");
    assert!(error["message"].is_string() && error["status"].is_string(), "{body}");
    assert!(error["errors"][0]["domain"].is_string(), "{body}");
    error["errors"][0]["reason"].as_str().unwrap().to_owned()
}
