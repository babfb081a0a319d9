//! On-Behalf-Of: an assertion the sandbox issued to the mobile app for this API, verified and
//! exchanged for Graph tokens.

use switchboard_domain::mail::MailProvider;
use switchboard_ports::mail::MailSource;
use switchboard_ports::{MailAuth, MailAuthError, MailSourceFactory};
use switchboard_sandbox::TokenFault;

use super::auth;
use crate::support::Fixture;

const MS: MailProvider = MailProvider::Microsoft;

#[tokio::test(flavor = "multi_thread")]
async fn a_verified_assertion_is_exchanged_for_graph_tokens() {
    let f = Fixture::start(50);
    let auth = auth(&f.sandbox);
    let colleague = f.sandbox.mailboxes()[1].clone();
    let assertion = f.sandbox.microsoft_assertion(&colleague.address, None, 3600).unwrap();

    let verified = auth.verify_assertion(MS, &assertion).await.unwrap();
    assert_eq!(verified.object_id, colleague.user_id);
    assert_eq!(verified.tenant_id, f.sandbox.microsoft_tenant_id());
    assert_eq!(verified.username.as_deref(), Some(colleague.address.as_str()));
    assert_eq!(verified.name.as_deref(), Some(colleague.display_name.as_str()));

    let scopes = auth.scopes(MS, false, false);
    let tokens = auth.on_behalf_of(MS, &assertion, &scopes).await.unwrap();
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.has_scope("Mail.Read"));
    let me = f.sources.source(MS, "account-2", &tokens.access_token).unwrap();
    assert_eq!(me.identity().await.unwrap().address, colleague.address);
    // The refresh token from On-Behalf-Of refreshes like any other.
    let refreshed = auth.refresh(MS, tokens.refresh_token.as_deref().unwrap()).await.unwrap();
    assert_ne!(refreshed.refresh_token, tokens.refresh_token);

    f.sandbox.force_microsoft_error(TokenFault::InteractionRequired, 1);
    let mfa = auth.on_behalf_of(MS, &assertion, &scopes).await.unwrap_err();
    assert!(
        matches!(&mfa, MailAuthError::InteractionRequired { error, claims: Some(_), .. }
            if error == "interaction_required"),
        "{mfa:?}"
    );
    f.sandbox.force_microsoft_error(TokenFault::ConsentRequired, 1);
    let consent = auth.on_behalf_of(MS, &assertion, &scopes).await.unwrap_err();
    assert!(
        matches!(&consent, MailAuthError::InteractionRequired { error, .. } if error == "consent_required")
    );

    // An assertion for another API: the platform refuses it too (AADSTS50013).
    let elsewhere =
        f.sandbox.microsoft_assertion(&colleague.address, Some("api://another-app"), 3600).unwrap();
    let refused = auth.on_behalf_of(MS, &elsewhere, &scopes).await.unwrap_err();
    assert!(matches!(&refused, MailAuthError::InvalidGrant { code, .. } if code == "AADSTS50013"));
    assert_eq!(
        auth.on_behalf_of(MailProvider::Google, &assertion, &scopes).await,
        Err(MailAuthError::Unsupported(MailProvider::Google))
    );
}

/// An API's app registration gets v1.0 access tokens unless its manifest asks for v2.0: such
/// an assertion (issuer `https://sts.windows.net/{tid}/`, the sign-in name as `upn`) is
/// verified against the v1.0 metadata's issuer and exchanged like a v2.0 one.
#[tokio::test(flavor = "multi_thread")]
async fn a_v1_assertion_is_verified_by_its_own_issuer_and_exchanged() {
    use switchboard_sandbox::TokenVersion;

    let f = Fixture::start(50);
    let auth = auth(&f.sandbox);
    let colleague = f.sandbox.mailboxes()[1].clone();
    let assertion =
        f.sandbox.microsoft_assertion_of(&colleague.address, None, 3600, TokenVersion::V1).unwrap();
    let verified = auth.verify_assertion(MS, &assertion).await.unwrap();
    assert_eq!(verified.object_id, colleague.user_id);
    assert_eq!(verified.username.as_deref(), Some(colleague.address.as_str()));
    let by_uri = f
        .sandbox
        .microsoft_assertion_of(
            &colleague.address,
            Some(&format!("api://{}", auth.config().client_id)),
            600,
            TokenVersion::V1,
        )
        .unwrap();
    assert!(auth.verify_assertion(MS, &by_uri).await.is_ok());
    let tokens = auth.on_behalf_of(MS, &assertion, &auth.scopes(MS, false, false)).await.unwrap();
    let me = f.sources.source(MS, "account-2", &tokens.access_token).unwrap();
    assert_eq!(me.identity().await.unwrap().address, colleague.address);

    let expired =
        f.sandbox.microsoft_assertion_of(&colleague.address, None, -600, TokenVersion::V1).unwrap();
    assert!(matches!(
        auth.verify_assertion(MS, &expired).await,
        Err(MailAuthError::InvalidAssertion(reason)) if reason == "expired"
    ));
}
