//! What the client puts on the wire and how it reads odd answers, at a local recording
//! server: the On-Behalf-Of and refresh forms, a refresh answer without a new refresh token,
//! and answers that are not the platform's JSON.

use serde_json::json;
use switchboard_domain::mail::MailProvider;
use switchboard_graph::{MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_ports::{MailAuth, MailAuthError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MS: MailProvider = MailProvider::Microsoft;
const TOKEN: &str = "/contoso.example/oauth2/v2.0/token";

async fn platform(answer: ResponseTemplate) -> (MockServer, MicrosoftAuth) {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path(TOKEN)).respond_with(answer).mount(&server).await;
    let config =
        MicrosoftAuthConfig::new(server.uri(), "contoso.example", "app-1", "the-secret".into());
    (server, MicrosoftAuth::new(config).unwrap())
}

/// The form of the one request the server received.
async fn form(server: &MockServer) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    url::form_urlencoded::parse(&requests[0].body).into_owned().collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn tokens(extra: serde_json::Value) -> ResponseTemplate {
    let mut body = json!({"token_type": "Bearer", "access_token": "at-2", "expires_in": 3599});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test(flavor = "multi_thread")]
async fn on_behalf_of_posts_the_jwt_bearer_grant() {
    let (server, auth) =
        platform(tokens(json!({"refresh_token": "rt-2", "scope": "Mail.Read"}))).await;
    let scopes = vec!["https://graph.microsoft.com/Mail.Read".to_owned(), "offline_access".into()];
    let got = auth.on_behalf_of(MS, "the.assertion.jwt", &scopes).await.unwrap();
    assert_eq!((got.access_token.as_str(), got.refresh_token.as_deref()), ("at-2", Some("rt-2")));
    assert_eq!(got.scopes, ["Mail.Read"]);
    let form = form(&server).await;
    for (name, value) in [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("requested_token_use", "on_behalf_of"),
        ("assertion", "the.assertion.jwt"),
        ("scope", "https://graph.microsoft.com/Mail.Read offline_access"),
        ("client_id", "app-1"),
        ("client_secret", "the-secret"),
    ] {
        assert_eq!(field(&form, name), Some(value), "{name} in {form:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_without_rotation_keeps_the_old_refresh_token() {
    let (server, auth) = platform(tokens(json!({}))).await;
    let got = auth.refresh(MS, "rt-1").await.unwrap();
    assert_eq!(got.refresh_token.as_deref(), Some("rt-1"));
    assert_eq!(got.scopes, MicrosoftAuthConfig::scopes_for(false, false), "as asked");
    let form = form(&server).await;
    assert_eq!(field(&form, "grant_type"), Some("refresh_token"));
    assert_eq!(field(&form, "refresh_token"), Some("rt-1"));
    assert_eq!(field(&form, "client_secret"), Some("the-secret"));
    assert_eq!(
        field(&form, "scope"),
        Some("openid profile email offline_access https://graph.microsoft.com/Mail.Read")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_that_are_not_the_platforms_json_are_transient_and_quote_nothing() {
    let (_s, auth) =
        platform(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>")).await;
    assert!(auth.refresh(MS, "rt-1").await.unwrap_err().is_transient());
    let (_s, auth) = platform(ResponseTemplate::new(503).set_body_json(
        json!({"error": "temporarily_unavailable", "error_description": "AADSTS90033: busy"}),
    ))
    .await;
    assert!(auth.on_behalf_of(MS, "a.b.c", &[]).await.unwrap_err().is_transient());
    // A success that does not parse holds tokens: the error must not quote it.
    let (_s, auth) = platform(ResponseTemplate::new(200).set_body_raw(
        r#"{"access_token": "at-secret", "expires_in": "soon"}"#,
        "application/json",
    ))
    .await;
    for error in [
        auth.refresh(MS, "rt-1").await.unwrap_err(),
        auth.on_behalf_of(MS, "a.b.c", &[]).await.unwrap_err(),
    ] {
        assert!(matches!(&error, MailAuthError::Transport(_)), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("at-secret"), "{error:?}");
    }
}
