//! Google's OAuth client against the fake Google: the authorization URL, the code exchange
//! with the PKCE verifier, refresh without rotation, `invalid_grant`, revocation.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use switchboard_domain::mail::MailProvider;
use switchboard_gmail::{GoogleAuth, GoogleAuthConfig};
use switchboard_ports::mail_auth::AuthorizationRequest;
use switchboard_ports::{MailAuth, MailAuthError};
use switchboard_sandbox::{GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET};
use url::Url;

use crate::support::Fixture;

const REDIRECT: &str = "http://127.0.0.1:4000/api/mail/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9-dGSo6ANpQb1T6WWBHGA0zrU-google-verifier";

fn auth(f: &Fixture, send: bool) -> GoogleAuth {
    let base = f.sandbox.google_oauth_base_url();
    let config = GoogleAuthConfig {
        auth_url: format!("{base}/o/oauth2/v2/auth"),
        token_url: f.sandbox.google_token_url(),
        revoke_url: format!("{base}/revoke"),
        send,
        ..GoogleAuthConfig::new(GOOGLE_CLIENT_ID, SecretString::from(GOOGLE_CLIENT_SECRET))
    };
    GoogleAuth::new(config).unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorization URL, asked of the fake Google as a browser would: the code it gives.
async fn code_for(google: &GoogleAuth, login: &str, scopes: &[String]) -> (Url, String) {
    let challenge = challenge(VERIFIER);
    let request = AuthorizationRequest {
        state: "st-1",
        code_challenge: &challenge,
        login_hint: login,
        redirect_uri: REDIRECT,
        scopes,
    };
    let url =
        Url::parse(&google.authorization_url(MailProvider::Google, &request).unwrap()).unwrap();
    let browser = reqwest_graph::Client::builder()
        .redirect(reqwest_graph::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(url.clone()).send().await.unwrap();
    let location = Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    assert_eq!(location.query_pairs().find(|(k, _)| k == "state").unwrap().1, "st-1");
    (url, code)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_url_asks_offline_access_with_pkce_and_the_code_needs_its_verifier() {
    let f = Fixture::start(50);
    let google = auth(&f, true);
    let scopes = google.scopes(MailProvider::Google, false, true);
    let (url, code) = code_for(&google, &f.demo, &scopes).await;
    let param =
        |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("access_type").as_deref(), Some("offline"));
    assert_eq!(param("prompt").as_deref(), Some("consent"));
    assert_eq!(param("include_granted_scopes").as_deref(), Some("true"));
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("code_challenge"), Some(challenge(VERIFIER)));
    assert_eq!(param("login_hint"), Some(f.demo.clone()));
    assert_eq!(param("response_type").as_deref(), Some("code"));
    let asked = param("scope").unwrap();
    assert!(asked.contains("https://www.googleapis.com/auth/gmail.readonly"));
    assert!(asked.contains("https://www.googleapis.com/auth/gmail.send"));
    assert!(!asked.contains("gmail.modify"));

    let wrong = google
        .exchange_code(
            MailProvider::Google,
            &code,
            "another-verifier-of-43-characters-at-least",
            REDIRECT,
        )
        .await;
    assert!(matches!(wrong, Err(MailAuthError::InvalidGrant { .. })), "{wrong:?}");

    let (_, code) = code_for(&google, &f.demo, &scopes).await;
    let tokens =
        google.exchange_code(MailProvider::Google, &code, VERIFIER, REDIRECT).await.unwrap();
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.has_scope("https://www.googleapis.com/auth/gmail.send"));
    assert!(!format!("{tokens:?}").contains(&tokens.access_token));
    let source = f.sources.standalone(&tokens.access_token);
    use switchboard_ports::mail::MailSource;
    assert_eq!(source.identity().await.unwrap().address, f.demo);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_keeps_the_refresh_token_and_revocation_kills_it() {
    let f = Fixture::start(50);
    let google = auth(&f, false);
    let scopes = google.scopes(MailProvider::Google, false, false);
    let (_, code) = code_for(&google, &f.demo, &scopes).await;
    let tokens =
        google.exchange_code(MailProvider::Google, &code, VERIFIER, REDIRECT).await.unwrap();
    let refresh = tokens.refresh_token.clone().unwrap();

    let again = google.refresh(MailProvider::Google, &refresh).await.unwrap();
    assert_eq!(again.refresh_token.as_deref(), Some(refresh.as_str()));
    assert_ne!(again.access_token, tokens.access_token);

    assert_eq!(google.revoke(MailProvider::Google, &again).await, Ok(true));
    let dead = google.refresh(MailProvider::Google, &refresh).await.unwrap_err();
    assert!(
        matches!(dead, MailAuthError::InvalidGrant { ref code, .. } if code == "invalid_grant"),
        "{dead:?}"
    );

    let obo = google.on_behalf_of(MailProvider::Google, "a", &scopes).await;
    assert_eq!(obo, Err(MailAuthError::Unsupported(MailProvider::Google)));
    assert!(!google.supports(MailProvider::Microsoft));
    let ms = google.refresh(MailProvider::Microsoft, &refresh).await;
    assert_eq!(ms, Err(MailAuthError::Unsupported(MailProvider::Microsoft)));
}
