//! The identity platform: code flow with PKCE, refresh rotation, On-Behalf-Of, discovery.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::StatusCode;
use serde_json::Value;
use switchboard_sandbox::{MICROSOFT_CLIENT_ID, RunningSandbox, TokenFault};

use super::{
    REDIRECT, VERIFIER, aad_error, authorize, challenge, endpoint, graph, graph_json, no_redirects,
    param, sign_in, token,
};
use crate::support::{client, start};

/// Verifies a token as a resource server would: keys found through OpenID discovery.
async fn verify(sb: &RunningSandbox, jwt: &str, audience: &str) -> Value {
    let tenant = sb.microsoft_tenant_id();
    let discovery: Value = client()
        .get(format!(
            "{}/{tenant}/v2.0/.well-known/openid-configuration",
            sb.microsoft_login_base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys: JwkSet = client()
        .get(discovery["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let jwk = keys.find(header.kid.as_deref().unwrap()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[discovery["issuer"].as_str().unwrap()]);
    jsonwebtoken::decode::<Value>(jwt, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap()
        .claims
}

#[tokio::test]
async fn pkce_code_flow_issues_tokens_the_jwks_verifies() {
    let sb = start();
    let colleague = sb.mailboxes()[1].clone();
    let challenge = challenge(VERIFIER);
    let back = authorize(
        &sb,
        &[
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("login_hint", &colleague.address),
            ("nonce", "n-1"),
        ],
    )
    .await;
    assert_eq!(param(&back, "state"), Some("state-1"));
    let code = param(&back, "code").unwrap().to_owned();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let (status, body) = token(&sb, &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    assert!(body["refresh_token"].as_str().is_some(), "offline_access gives a refresh token");
    let access =
        verify(&sb, body["access_token"].as_str().unwrap(), "https://graph.microsoft.com").await;
    assert_eq!(access["oid"], colleague.user_id.as_str());
    assert_eq!(access["tid"], sb.microsoft_tenant_id().as_str());
    assert!(access["scp"].as_str().unwrap().split(' ').any(|s| s == "Mail.Read"));
    let id = verify(&sb, body["id_token"].as_str().unwrap(), MICROSOFT_CLIENT_ID).await;
    assert_eq!(id["preferred_username"], colleague.address.as_str());
    assert_eq!(id["nonce"], "n-1");
    assert!(id["iss"].as_str().unwrap().ends_with(&format!("/{}/v2.0", sb.microsoft_tenant_id())));
    let me = graph_json(&sb, body["access_token"].as_str().unwrap(), "/me").await;
    assert_eq!(me["mail"], colleague.address.as_str());
    assert_eq!(me["id"], colleague.user_id.as_str());

    let (status, again) = token(&sb, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(aad_error(&again, "invalid_grant"), 54_005, "a code is redeemed once");
}

#[tokio::test]
async fn a_wrong_or_missing_pkce_verifier_is_refused() {
    let sb = start();
    let challenge = challenge(VERIFIER);
    let back =
        authorize(&sb, &[("code_challenge", &challenge), ("code_challenge_method", "S256")]).await;
    let code = param(&back, "code").unwrap().to_owned();
    let base =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", REDIRECT)];
    let (status, body) = token(&sb, &base).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(aad_error(&body, "invalid_request"), 900_144);
    let mut wrong = base.to_vec();
    wrong.push(("code_verifier", "another-verifier-of-sufficient-length-0123456789"));
    let (status, body) = token(&sb, &wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(aad_error(&body, "invalid_grant"), 501_481);
    let mut other_redirect = base.to_vec();
    other_redirect[2] = ("redirect_uri", "http://127.0.0.1:9999/elsewhere");
    other_redirect.push(("code_verifier", VERIFIER));
    let (_, body) = token(&sb, &other_redirect).await;
    assert_eq!(aad_error(&body, "invalid_grant"), 500_112);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_die_when_used_revoked_or_expired() {
    let sb = start();
    let first = sign_in(&sb, "", "openid offline_access Mail.Read").await;
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) =
        token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", &old)]).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old, "rotated");
    assert_eq!(
        graph(&sb, second["access_token"].as_str().unwrap(), "/me").await.status(),
        StatusCode::OK
    );
    let (status, reused) =
        token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", &old)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    aad_error(&reused, "invalid_grant");

    let (_, asks_more) = token(
        &sb,
        &[("grant_type", "refresh_token"), ("refresh_token", &new), ("scope", "Mail.Send")],
    )
    .await;
    assert_eq!(aad_error(&asks_more, "invalid_grant"), 65_001);
    assert_eq!(asks_more["suberror"], "consent_required");

    assert_eq!(sb.revoke_microsoft_grants(&sb.mailboxes()[0].address).unwrap(), 1);
    let (_, revoked) =
        token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", &new)]).await;
    assert_eq!(aad_error(&revoked, "invalid_grant"), 50_173);

    let third = sign_in(&sb, "", "offline_access Mail.Read").await;
    assert_eq!(sb.expire_microsoft_refresh_tokens(), 1);
    let refresh = third["refresh_token"].as_str().unwrap();
    let (_, expired) =
        token(&sb, &[("grant_type", "refresh_token"), ("refresh_token", refresh)]).await;
    assert_eq!(aad_error(&expired, "invalid_grant"), 700_082);
}

#[tokio::test]
async fn unknown_apps_and_redirects_stop_on_an_error_page_other_errors_go_back() {
    let sb = start();
    sb.add_microsoft_client("app-2", "secret-2", &["https://app.example/callback"]);
    let url = endpoint(&sb, "authorize");
    for (client_id, redirect, code) in [
        ("who", REDIRECT, "AADSTS700016"),
        ("app-2", "https://evil.example/callback", "AADSTS50011"),
        (MICROSOFT_CLIENT_ID, "https://not-loopback.example/cb", "AADSTS50011"),
    ] {
        let response = no_redirects()
            .get(&url)
            .query(&[
                ("client_id", client_id),
                ("response_type", "code"),
                ("redirect_uri", redirect),
                ("scope", "Mail.Read"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains(code), "{client_id} {redirect}");
    }
    let back = authorize(&sb, &[("response_type", "token")]).await;
    assert_eq!(param(&back, "error"), Some("unsupported_response_type"));
    assert_eq!(param(&back, "state"), Some("state-1"));
    sb.deny_microsoft_authorizations(1);
    let back = authorize(&sb, &[]).await;
    assert_eq!(param(&back, "error"), Some("access_denied"));
    assert!(param(&back, "error_description").unwrap().starts_with("AADSTS65004"));

    let response = client()
        .post(endpoint(&sb, "token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", MICROSOFT_CLIENT_ID),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(aad_error(&response.json().await.unwrap(), "invalid_client"), 7_000_215);
    let unknown_tenant = client()
        .get(format!(
            "{}/contoso.example/v2.0/.well-known/openid-configuration",
            sb.microsoft_login_base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_tenant.status(), StatusCode::BAD_REQUEST);
    assert_eq!(aad_error(&unknown_tenant.json().await.unwrap(), "invalid_request"), 90_002);
}

fn obo(assertion: &str) -> Vec<(&str, &str)> {
    vec![
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("requested_token_use", "on_behalf_of"),
        ("assertion", assertion),
        ("scope", "https://graph.microsoft.com/Mail.Read offline_access"),
    ]
}

#[tokio::test]
async fn on_behalf_of_exchanges_a_valid_assertion_and_refuses_bad_ones() {
    let sb = start();
    let colleague = sb.mailboxes()[1].clone();
    let assertion = sb.microsoft_assertion(&colleague.address, None, 3600).unwrap();
    let claims = verify(&sb, &assertion, MICROSOFT_CLIENT_ID).await;
    assert_eq!(claims["scp"], "access_as_user");
    let (status, body) = token(&sb, &obo(&assertion)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["refresh_token"].as_str().is_some());
    let me = graph_json(&sb, body["access_token"].as_str().unwrap(), "/me").await;
    assert_eq!(me["userPrincipalName"], colleague.address.as_str());

    // Forged: the payload changed after signing.
    let parts: Vec<&str> = assertion.split('.').collect();
    let forged_payload = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut payload: Value = serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
        payload["oid"] = Value::from(sb.mailboxes()[0].user_id.clone());
        engine.encode(serde_json::to_vec(&payload).unwrap())
    };
    let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    let expired = sb.microsoft_assertion(&colleague.address, None, -120).unwrap();
    let elsewhere =
        sb.microsoft_assertion(&colleague.address, Some("api://another-app"), 3600).unwrap();
    for (bad, code, words) in [
        (forged.as_str(), 50_013, "signature"),
        (expired.as_str(), 500_133, "valid time range"),
        (elsewhere.as_str(), 50_013, "audience"),
        ("not-a-jwt", 50_013, "signature"),
    ] {
        let (status, body) = token(&sb, &obo(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(aad_error(&body, "invalid_grant"), code, "{body}");
        assert!(body["error_description"].as_str().unwrap().contains(words), "{body}");
    }

    sb.force_microsoft_error(TokenFault::InteractionRequired, 1);
    let (_, body) = token(&sb, &obo(&assertion)).await;
    assert_eq!(aad_error(&body, "interaction_required"), 50_076);
    let claims: Value = serde_json::from_str(body["claims"].as_str().unwrap()).unwrap();
    assert_eq!(claims["access_token"]["capolids"]["essential"], true);
    sb.force_microsoft_error(TokenFault::ConsentRequired, 1);
    let (_, body) = token(&sb, &obo(&assertion)).await;
    assert_eq!(aad_error(&body, "invalid_grant"), 65_001);
    assert_eq!(body["suberror"], "consent_required");
    let (status, _) = token(&sb, &obo(&assertion)).await;
    assert_eq!(status, StatusCode::OK, "the switch wore off");
}
