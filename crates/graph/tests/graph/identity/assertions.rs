//! `verify_assertion` against the sandbox's discovery and keys: a good assertion passes; a
//! forged, expired, foreign, wrongly issued or otherwise signed one is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use switchboard_domain::mail::MailProvider;
use switchboard_graph::{MicrosoftAuth, TenantPolicy};
use switchboard_ports::{MailAuth, MailAuthError};

use super::{OwnKey, auth, config};
use crate::support::{Fixture, sandbox};

const MS: MailProvider = MailProvider::Microsoft;

fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The refusal's reason, asserting it is one.
async fn refused(auth: &MicrosoftAuth, assertion: &str) -> String {
    match auth.verify_assertion(MS, assertion).await {
        Err(MailAuthError::InvalidAssertion(reason)) => reason,
        other => panic!("accepted or refused otherwise: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_good_assertion_passes_and_bad_ones_are_refused() {
    let f = Fixture::start(50);
    let auth = auth(&f.sandbox);
    let demo = f.sandbox.mailboxes()[0].clone();
    let good = f.sandbox.microsoft_assertion(&demo.address, None, 3600).unwrap();
    let verified = auth.verify_assertion(MS, &good).await.unwrap();
    assert_eq!(verified.object_id, demo.user_id);
    assert_eq!(verified.expires_at.timestamp(), claims_of(&good)["exp"].as_i64().unwrap());
    // Audience `api://{client id}` is one of this API's too.
    let by_uri = f
        .sandbox
        .microsoft_assertion(
            &demo.address,
            Some(&format!("api://{}", auth.config().client_id)),
            600,
        )
        .unwrap();
    assert!(auth.verify_assertion(MS, &by_uri).await.is_ok());
    // Within the leeway (60 s), a token just expired still passes.
    let just = f.sandbox.microsoft_assertion(&demo.address, None, -20).unwrap();
    assert!(auth.verify_assertion(MS, &just).await.is_ok());

    let expired = f.sandbox.microsoft_assertion(&demo.address, None, -600).unwrap();
    assert_eq!(refused(&auth, &expired).await, "expired");
    let foreign =
        f.sandbox.microsoft_assertion(&demo.address, Some("api://another-app"), 3600).unwrap();
    assert!(refused(&auth, &foreign).await.contains("aud"));
    let graph = f.sandbox.microsoft_access_token(&demo.address, "Mail.Read").unwrap();
    assert!(refused(&auth, &graph).await.contains("aud"), "a Graph token is not for this API");

    // Signed by another RSA key under the platform's key id.
    let kid = jsonwebtoken::decode_header(&good).unwrap().kid.unwrap();
    let forged = OwnKey::generate(7).sign(&kid, &claims_of(&good));
    assert!(refused(&auth, &forged).await.contains("signature"));
    // Signed with a shared secret (HS256), the algorithm-confusion attack.
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid);
    let hs = jsonwebtoken::encode(
        &header,
        &claims_of(&good),
        &jsonwebtoken::EncodingKey::from_secret(b"secret"),
    )
    .unwrap();
    assert!(refused(&auth, &hs).await.contains("RS256"));
    assert_eq!(refused(&auth, "not-a-jwt").await, "not a JWT");

    let mut only = config(&f.sandbox);
    only.tenants = TenantPolicy::Only(vec!["another-tenant".into()]);
    let only = MicrosoftAuth::new(only).unwrap();
    assert!(refused(&only, &good).await.contains("tenant"));
    let mut ours = config(&f.sandbox);
    ours.tenants = TenantPolicy::Only(vec![f.sandbox.microsoft_tenant_id()]);
    assert!(MicrosoftAuth::new(ours).unwrap().verify_assertion(MS, &good).await.is_ok());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_of_another_issuer_is_refused_even_with_a_valid_signature() {
    let f = Fixture::start(50);
    // The same seed signs with the same key, but this platform lives at another address: its
    // tokens name another issuer.
    let twin = sandbox();
    let other = twin.microsoft_assertion(&twin.mailboxes()[0].address, None, 3600).unwrap();
    let ours = f.sandbox.microsoft_assertion(&f.demo, None, 3600).unwrap();
    let header = |jwt: &str| jsonwebtoken::decode_header(jwt).unwrap().kid;
    assert_eq!(header(&other), header(&ours), "one key");
    let auth = auth(&f.sandbox);
    assert!(refused(&auth, &other).await.contains("issuer"));
    assert!(auth.verify_assertion(MS, &ours).await.is_ok());
}
