//! Slack OAuth v2: the authorization page and `oauth.v2.access`.

use std::time::Duration;

use serde_json::Value;
use switchboard_sandbox::{RunningSandbox, SLACK_OAUTH_CLIENT_ID, SLACK_OAUTH_CLIENT_SECRET};

use super::call;
use crate::support::start;

const REDIRECT: &str = "http://app.example/callback";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Authorizes as the browser would; the query Slack sends the browser back with.
async fn authorize(sb: &RunningSandbox, client_id: &str, state: &str) -> Vec<(String, String)> {
    let response = no_redirects()
        .get(sb.slack_authorize_url())
        .query(&[
            ("client_id", client_id),
            ("scope", ""),
            ("user_scope", "channels:read,channels:history"),
            ("redirect_uri", REDIRECT),
            ("state", state),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let query = location.strip_prefix(&format!("{REDIRECT}?")).unwrap();
    serde_urlencoded::from_str(query).unwrap()
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

async fn exchange(sb: &RunningSandbox, form: &[(&str, &str)], basic: bool) -> Value {
    let mut request = no_redirects().post(format!("{}/oauth.v2.access", sb.slack_base_url()));
    if basic {
        request = request.basic_auth(SLACK_OAUTH_CLIENT_ID, Some(SLACK_OAUTH_CLIENT_SECRET));
    }
    let response = request.form(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_code_is_exchanged_once_for_a_working_user_token() {
    let sb = start();
    let back = authorize(&sb, SLACK_OAUTH_CLIENT_ID, "s-1").await;
    assert_eq!(param(&back, "state"), Some("s-1"));
    let code = param(&back, "code").unwrap().to_owned();

    let form = [("code", code.as_str()), ("redirect_uri", REDIRECT)];
    let granted = exchange(&sb, &form, true).await;
    assert_eq!(granted["ok"], true, "{granted}");
    assert_eq!(granted["authed_user"]["token_type"], "user");
    assert_eq!(granted["authed_user"]["id"], sb.demo_user(switchboard_sandbox::Provider::Slack).id);
    assert!(granted["access_token"].is_null(), "no bot scopes, no bot token: {granted}");
    let token = granted["authed_user"]["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("xoxp-"));
    let me = no_redirects()
        .post(format!("{}/auth.test", sb.slack_base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(me["ok"], true, "{me}");

    let again = exchange(&sb, &form, true).await;
    assert_eq!(
        (&again["ok"], &again["error"]),
        (&Value::Bool(false), &Value::from("invalid_code"))
    );
}

#[tokio::test]
async fn client_credentials_codes_and_redirects_are_checked() {
    let sb = start();
    sb.add_slack_oauth_client("app-2", "secret-2");
    let code = |q: &[(String, String)]| param(q, "code").unwrap().to_owned();
    let first = code(&authorize(&sb, "app-2", "x").await);
    for (form, error) in [
        (
            vec![("code", first.as_str()), ("client_id", "app-2"), ("client_secret", "nope")],
            "bad_client_secret",
        ),
        (
            vec![("code", first.as_str()), ("client_id", "app-9"), ("client_secret", "x")],
            "invalid_client_id",
        ),
        (
            vec![("code", "made-up"), ("client_id", "app-2"), ("client_secret", "secret-2")],
            "invalid_code",
        ),
        (
            vec![
                ("code", first.as_str()),
                ("client_id", "app-2"),
                ("client_secret", "secret-2"),
                ("redirect_uri", "http://evil.example/"),
            ],
            "bad_redirect_uri",
        ),
    ] {
        let answer = exchange(&sb, &form, false).await;
        assert_eq!(answer["error"], error, "{answer}");
    }
    // Credentials in the form work too; another app's code does not.
    let form = [("code", first.as_str()), ("client_id", "app-2"), ("client_secret", "secret-2")];
    assert_eq!(exchange(&sb, &form, false).await["ok"], true);
    let other = code(&authorize(&sb, "app-2", "y").await);
    assert_eq!(exchange(&sb, &[("code", other.as_str())], true).await["error"], "invalid_code");

    sb.set_slack_oauth_code_ttl(Duration::ZERO);
    let stale = code(&authorize(&sb, SLACK_OAUTH_CLIENT_ID, "z").await);
    assert_eq!(exchange(&sb, &[("code", stale.as_str())], true).await["error"], "invalid_code");
}

#[tokio::test]
async fn a_denied_or_unknown_authorization_goes_back_with_an_error_or_stops() {
    let sb = start();
    sb.deny_slack_authorizations(1);
    let back = authorize(&sb, SLACK_OAUTH_CLIENT_ID, "s-2").await;
    assert_eq!(param(&back, "error"), Some("access_denied"));
    assert_eq!(param(&back, "state"), Some("s-2"));
    assert_eq!(param(&back, "code"), None);
    assert!(param(&authorize(&sb, SLACK_OAUTH_CLIENT_ID, "s-3").await, "code").is_some());

    let unknown = no_redirects()
        .get(sb.slack_authorize_url())
        .query(&[("client_id", "who"), ("user_scope", "channels:read"), ("redirect_uri", REDIRECT)])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    // The token methods still want a token.
    assert_eq!(call(&sb, "auth.test", &[]).await["ok"], true);
}
