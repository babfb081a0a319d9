use reqwest::StatusCode;
use serde_json::Value;
use switchboard_sandbox::GOOGLE_CLIENT_ID;

use super::{DEMO, MODIFY, READONLY, VERIFIER, authorize, get, get_json, sign_in, token};
use crate::microsoft::{REDIRECT, no_redirects, param};
use crate::support::{client, start};

#[tokio::test]
async fn a_code_with_pkce_gives_tokens_for_the_hinted_mailbox() {
    let sb = start();
    let back = authorize(&sb, &[]).await;
    assert_eq!(param(&back, "state"), Some("state-g"));
    let code = param(&back, "code").unwrap().to_owned();
    let exchange = |verifier: &'static str| {
        let code = code.clone();
        let sb = &sb;
        async move {
            token(
                sb,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", verifier),
                ],
            )
            .await
        }
    };
    let (status, body) = exchange("not-the-verifier-not-the-verifier-not-the-verifier").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(body["error_description"], "Invalid code verifier.");
    let (status, body) = exchange(VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], READONLY);
    assert!(body["expires_in"].as_u64().unwrap() > 3000);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("1//"));
    let access = body["access_token"].as_str().unwrap();
    let profile = get_json(&sb, access, "profile", &[]).await;
    assert_eq!(profile["emailAddress"], DEMO);
    // A code works once.
    let (status, body) = exchange(VERIFIER).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(body["error_description"], "Bad Request");
    let (_, body) = token(
        &sb,
        &[("grant_type", "authorization_code"), ("code", "garbage"), ("redirect_uri", REDIRECT)],
    )
    .await;
    assert_eq!(body["error_description"], "Malformed auth code.");
}

#[tokio::test]
async fn refresh_never_rotates_and_a_refresh_token_comes_only_with_consent() {
    let sb = start();
    let first = sign_in(&sb, &[]).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let (status, body) =
            token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("refresh_token").is_none(), "Google does not rotate: {body}");
        assert_ne!(body["access_token"], first["access_token"]);
        get_json(&sb, body["access_token"].as_str().unwrap(), "labels", &[]).await;
    }
    // Consent was given already: no new refresh token unless the app asks for consent again.
    let again = sign_in(&sb, &[]).await;
    assert!(again.get("refresh_token").is_none(), "{again}");
    let forced = sign_in(
        &sb,
        &[("prompt", "consent"), ("scope", MODIFY), ("include_granted_scopes", "true")],
    )
    .await;
    assert!(forced["refresh_token"].is_string(), "{forced}");
    let scopes: Vec<&str> = forced["scope"].as_str().unwrap().split(' ').collect();
    assert!(scopes.contains(&READONLY) && scopes.contains(&MODIFY), "{forced}");
    // Online access never gets one.
    let online = sign_in(&sb, &[("access_type", "online"), ("prompt", "consent")]).await;
    assert!(online.get("refresh_token").is_none());
}

#[tokio::test]
async fn a_revoked_grant_answers_invalid_grant_and_its_access_tokens_401() {
    let sb = start();
    let tokens = sign_in(&sb, &[]).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let revoke = format!("{}/revoke", sb.google_oauth_base_url());
    let response = client().post(&revoke).query(&[("token", refresh)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, body) =
        token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "Token has been expired or revoked.");
    assert_eq!(get(&sb, access, "profile", &[]).await.status(), StatusCode::UNAUTHORIZED);
    let response = client().post(&revoke).query(&[("token", refresh)]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
    // The account owner revoking access from their side does the same.
    let tokens = sign_in(&sb, &[("prompt", "consent")]).await;
    assert_eq!(sb.revoke_google_grants(DEMO).unwrap(), 1);
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let (_, body) =
        token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn clients_redirects_and_refusals_are_checked() {
    let sb = start();
    let response = client()
        .post(sb.google_token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "1//x"),
            ("client_id", GOOGLE_CLIENT_ID),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let url = format!("{}/o/oauth2/v2/auth", sb.google_oauth_base_url());
    let page = |client_id: &'static str, redirect: &'static str| {
        let url = url.clone();
        async move {
            no_redirects()
                .get(url)
                .query(&[
                    ("client_id", client_id),
                    ("redirect_uri", redirect),
                    ("response_type", "code"),
                    ("scope", READONLY),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        page("unknown.apps.googleusercontent.com", REDIRECT).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(page(GOOGLE_CLIENT_ID, "https://evil.example/cb").await, StatusCode::BAD_REQUEST);
    assert_eq!(page(GOOGLE_CLIENT_ID, "http://localhost:41234/cb").await, StatusCode::FOUND);
    sb.deny_google_authorizations(1);
    let back = authorize(&sb, &[]).await;
    assert_eq!(param(&back, "error"), Some("access_denied"));
    assert_eq!(param(&back, "state"), Some("state-g"));
    let back = authorize(&sb, &[("scope", "https://www.googleapis.com/auth/drive")]).await;
    assert_eq!(param(&back, "error"), Some("invalid_scope"));
}
