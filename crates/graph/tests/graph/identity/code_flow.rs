//! The authorization URL, the code exchange with PKCE, refresh with rotation, and the
//! refusals a dead grant or a need for the user come back as.

use chrono::Utc;
use switchboard_domain::mail::MailProvider;
use switchboard_graph::{MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_ports::mail::MailSource;
use switchboard_ports::mail_auth::AuthorizationRequest;
use switchboard_ports::{MailAuth, MailAuthError, MailSourceFactory, ProviderTokens};
use switchboard_sandbox::{MICROSOFT_CLIENT_ID, TokenFault};

use super::{REDIRECT, VERIFIER, approve, auth, challenge, config, param};
use crate::support::Fixture;

const MS: MailProvider = MailProvider::Microsoft;

/// Signs `login_hint`'s mailbox in through the sandbox's authorize endpoint; the code.
async fn code_for(auth: &impl MailAuth, login_hint: &str, state: &str) -> String {
    let scopes = auth.scopes(MS, false, false);
    let challenge = challenge(VERIFIER);
    let request = AuthorizationRequest {
        state,
        code_challenge: &challenge,
        login_hint,
        redirect_uri: REDIRECT,
        scopes: &scopes,
    };
    let back = approve(&auth.authorization_url(MS, &request).unwrap()).await;
    assert_eq!(param(&back, "state"), Some(state));
    param(&back, "code").unwrap().to_owned()
}

async fn linked(auth: &impl MailAuth, login_hint: &str) -> ProviderTokens {
    let code = code_for(auth, login_hint, "s").await;
    auth.exchange_code(MS, &code, VERIFIER, REDIRECT).await.unwrap()
}

/// A sandbox, the client, and the demo mailbox linked.
async fn demo_linked() -> (Fixture, MicrosoftAuth, ProviderTokens) {
    let f = Fixture::start(50);
    let auth = auth(&f.sandbox);
    let tokens = linked(&auth, &f.demo).await;
    (f, auth, tokens)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_authorization_url_carries_pkce_state_hint_and_scopes() {
    let f = Fixture::start(50);
    let mut config = config(&f.sandbox);
    config.select_account = true;
    let auth = MicrosoftAuth::new(config).unwrap();
    let scopes = auth.scopes(MS, true, true);
    let request = AuthorizationRequest {
        state: "state-42",
        code_challenge: &challenge(VERIFIER),
        login_hint: "ada@contoso.example",
        redirect_uri: REDIRECT,
        scopes: &scopes,
    };
    let url = url::Url::parse(&auth.authorization_url(MS, &request).unwrap()).unwrap();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        format!("{}/organizations/oauth2/v2.0/authorize", f.sandbox.microsoft_login_base_url())
    );
    let query: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    for (name, value) in [
        ("response_type", "code"),
        ("response_mode", "query"),
        ("client_id", MICROSOFT_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("state", "state-42"),
        ("code_challenge", challenge(VERIFIER).as_str()),
        ("code_challenge_method", "S256"),
        ("login_hint", "ada@contoso.example"),
        ("prompt", "select_account"),
        (
            "scope",
            "openid profile email offline_access https://graph.microsoft.com/Mail.Read \
             https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send",
        ),
    ] {
        assert_eq!(param(&query, name), Some(value), "{name} in {url}");
    }
    assert_eq!(query.len(), 10, "{url}");

    assert!(!auth.supports(MailProvider::Google));
    let google = auth.authorization_url(MailProvider::Google, &request);
    assert_eq!(google, Err(MailAuthError::Unsupported(MailProvider::Google)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_is_exchanged_with_its_verifier_once_and_refused_with_another() {
    let f = Fixture::start(50);
    let auth = auth(&f.sandbox);
    let colleague = f.sandbox.mailboxes()[1].clone();

    let code = code_for(&auth, &colleague.address, "s-1").await;
    let tokens = auth.exchange_code(MS, &code, VERIFIER, REDIRECT).await.unwrap();
    assert!(tokens.refresh_token.is_some(), "offline_access gives a refresh token");
    assert!(tokens.has_scope("Mail.Read"));
    assert!(tokens.expires_at > Utc::now() + chrono::Duration::minutes(30));
    assert!(!format!("{tokens:?}").contains(&tokens.access_token));
    // The token reads the mailbox the hint named, through the port's factory.
    let me = f.sources.source(MS, "account-1", &tokens.access_token).unwrap();
    assert_eq!(me.identity().await.unwrap().address, colleague.address);

    let again = auth.exchange_code(MS, &code, VERIFIER, REDIRECT).await.unwrap_err();
    assert!(matches!(&again, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS54005"));

    let code = code_for(&auth, &colleague.address, "s-2").await;
    let wrong = "another-verifier-of-a-sufficient-length-0123456789abcdefghij";
    let refused = auth.exchange_code(MS, &code, wrong, REDIRECT).await.unwrap_err();
    assert!(
        matches!(&refused, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS501481"),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_rotates_and_the_redeemed_token_is_refused() {
    let (f, auth, first) = demo_linked().await;
    let old = first.refresh_token.clone().unwrap();

    let second = auth.refresh(MS, &old).await.unwrap();
    let new = second.refresh_token.clone().unwrap();
    assert_ne!(new, old, "rotated");
    assert_ne!(second.access_token, first.access_token);
    let me = f.sources.source(MS, "account-1", &second.access_token).unwrap();
    assert_eq!(me.identity().await.unwrap().address, f.demo);

    let reused = auth.refresh(MS, &old).await.unwrap_err();
    assert!(matches!(&reused, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS70000"));
    assert!(!reused.is_transient());
    assert!(auth.refresh(MS, &new).await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_and_expired_grants_are_dead_with_their_aadsts_code() {
    let (f, auth, tokens) = demo_linked().await;
    assert_eq!(f.sandbox.revoke_microsoft_grants(&f.demo).unwrap(), 1);
    let revoked = auth.refresh(MS, tokens.refresh_token.as_deref().unwrap()).await.unwrap_err();
    assert!(
        matches!(&revoked, MailAuthError::InvalidGrant { code, description }
            if code == "AADSTS50173" && description.contains("revoked")),
        "{revoked:?}"
    );

    let tokens = linked(&auth, &f.demo).await;
    assert_eq!(f.sandbox.expire_microsoft_refresh_tokens(), 1);
    let expired = auth.refresh(MS, tokens.refresh_token.as_deref().unwrap()).await.unwrap_err();
    assert!(matches!(&expired, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS700082"));
    // No secret or token in what the error says.
    let text = expired.to_string();
    assert!(!text.contains(tokens.refresh_token.as_deref().unwrap()));
    assert!(!text.contains(switchboard_sandbox::MICROSOFT_CLIENT_SECRET));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_need_for_the_user_comes_back_with_its_claims() {
    let (f, auth, tokens) = demo_linked().await;
    let refresh = tokens.refresh_token.unwrap();

    f.sandbox.force_microsoft_error(TokenFault::InteractionRequired, 1);
    let mfa = auth.refresh(MS, &refresh).await.unwrap_err();
    let MailAuthError::InteractionRequired { error, claims, description } = mfa else {
        panic!("{mfa:?}")
    };
    assert_eq!(error, "interaction_required");
    assert!(description.starts_with("AADSTS50076"), "{description}");
    let claims: serde_json::Value = serde_json::from_str(&claims.unwrap()).unwrap();
    assert_eq!(claims["access_token"]["capolids"]["essential"], true);

    f.sandbox.force_microsoft_error(TokenFault::ConsentRequired, 1);
    let consent = auth.refresh(MS, &refresh).await.unwrap_err();
    assert!(
        matches!(&consent, MailAuthError::InteractionRequired { error, .. } if error == "consent_required")
    );

    // Sending enabled after the link: refresh asks for Mail.Send, which was never granted.
    let mut sending = config(&f.sandbox);
    sending.send = true;
    let sending = MicrosoftAuth::new(sending).unwrap();
    let more = sending.refresh(MS, &refresh).await.unwrap_err();
    assert!(
        matches!(&more, MailAuthError::InteractionRequired { error, .. } if error == "consent_required")
    );
    // The grant itself is still good.
    assert!(auth.refresh(MS, &refresh).await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn microsoft_revokes_nothing_and_a_wrong_secret_is_the_clients_fault() {
    let (f, auth, tokens) = demo_linked().await;
    assert_eq!(auth.revoke(MS, &tokens).await, Ok(false));

    let mut wrong = config(&f.sandbox);
    wrong.client_secret = "not-the-secret".into();
    let wrong = MicrosoftAuth::new(wrong).unwrap();
    let refused = wrong.refresh(MS, tokens.refresh_token.as_deref().unwrap()).await.unwrap_err();
    assert!(matches!(&refused, MailAuthError::Provider { code, .. } if code == "invalid_client"));

    let nowhere = MicrosoftAuth::new(MicrosoftAuthConfig {
        authority: "http://127.0.0.1:9".into(),
        ..config(&f.sandbox)
    })
    .unwrap();
    let unreachable = nowhere.refresh(MS, "x").await.unwrap_err();
    assert!(unreachable.is_transient(), "{unreachable:?}");
}
