//! The key cache, at a local recording server that publishes a key of the test's own: keys
//! are found through discovery once, an unknown `kid` refetches them at most once per
//! `key_refetch`, concurrent verifications share one fetch, and the multi-tenant issuer is
//! the token's own tenant's.

use std::time::Duration;

use serde_json::json;
use switchboard_domain::mail::MailProvider;
use switchboard_graph::{MicrosoftAuth, MicrosoftAuthConfig};
use switchboard_ports::{MailAuth, MailAuthError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::OwnKey;

const MS: MailProvider = MailProvider::Microsoft;
const KEYS: &str = "/common/discovery/v2.0/keys";
const DISCOVERY: &str = "/common/v2.0/.well-known/openid-configuration";

async fn fetches(server: &MockServer, of: &str) -> usize {
    server.received_requests().await.unwrap().iter().filter(|r| r.url.path() == of).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_key_ids_refetch_the_keys_at_most_once_per_period() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let server = MockServer::start().await;
    let origin = server.uri();
    let key = OwnKey::generate(3);
    Mock::given(method("GET"))
        .and(path(DISCOVERY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": format!("{origin}/{{tenantid}}/v2.0"),
            "jwks_uri": format!("{origin}{KEYS}"),
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(KEYS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [{
            "kty": "RSA", "use": "sig", "kid": "k1", "n": key.n, "e": key.e, "alg": "RS256",
        }]})))
        .mount(&server)
        .await;
    let config = MicrosoftAuthConfig::new(&origin, "common", "app-1", "secret".into());
    let now = chrono::Utc::now().timestamp();
    let claims = |tenant: &str, issuer_tenant: &str| {
        json!({
            "aud": "api://app-1", "iss": format!("{origin}/{issuer_tenant}/v2.0"),
            "tid": tenant, "oid": "oid-1", "exp": now + 600, "nbf": now - 10, "iat": now - 10,
            "preferred_username": "ada@fabrikam.example", "name": "Ada",
        })
    };

    let auth = MicrosoftAuth::new(config.clone()).unwrap();
    let good = key.sign("k1", &claims("tid-1", "tid-1"));
    let verified = auth.verify_assertion(MS, &good).await.unwrap();
    assert_eq!((verified.tenant_id.as_str(), verified.object_id.as_str()), ("tid-1", "oid-1"));
    // Any tenant's user, each under its own issuer (a multi-tenant app).
    let other_tenant = key.sign("k1", &claims("tid-2", "tid-2"));
    assert!(auth.verify_assertion(MS, &other_tenant).await.is_ok());
    // A token claiming one tenant under another tenant's issuer is not.
    let mixed = key.sign("k1", &claims("tid-1", "tid-2"));
    assert!(matches!(
        auth.verify_assertion(MS, &mixed).await,
        Err(MailAuthError::InvalidAssertion(reason)) if reason.contains("issuer")
    ));
    let no_oid = {
        let mut c = claims("tid-1", "tid-1");
        c["oid"] = json!(null);
        key.sign("k1", &c)
    };
    assert!(auth.verify_assertion(MS, &no_oid).await.is_err());
    assert_eq!((fetches(&server, DISCOVERY).await, fetches(&server, KEYS).await), (1, 1));

    // Unknown key ids within a minute of the last fetch: refused without asking again.
    for kid in ["k2", "k3", "k4"] {
        let unknown = key.sign(kid, &claims("tid-1", "tid-1"));
        let refused = auth.verify_assertion(MS, &unknown).await;
        assert!(matches!(refused, Err(MailAuthError::InvalidAssertion(_))));
    }
    assert_eq!(fetches(&server, KEYS).await, 1);

    // Concurrent first verifications wait for one fetch.
    let cold = MicrosoftAuth::new(config.clone()).unwrap();
    let all = futures_util::future::join_all((0..8).map(|_| cold.verify_assertion(MS, &good)));
    assert!(all.await.iter().all(Result::is_ok));
    assert_eq!(fetches(&server, KEYS).await, 2);

    // With no minimum period, each unknown key id fetches the keys again (a rollover).
    let eager =
        MicrosoftAuth::new(MicrosoftAuthConfig { key_refetch: Duration::ZERO, ..config }).unwrap();
    assert!(eager.verify_assertion(MS, &good).await.is_ok());
    let unknown = key.sign("k2", &claims("tid-1", "tid-1"));
    assert!(eager.verify_assertion(MS, &unknown).await.is_err());
    assert!(eager.verify_assertion(MS, &good).await.is_ok(), "known keys need no fetch");
    assert_eq!(fetches(&server, KEYS).await, 4);
}
