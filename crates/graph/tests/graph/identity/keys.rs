//! The key cache, at a local recording server that publishes a key of the test's own: keys
//! are found through discovery once, an unknown `kid` refetches them at most once per
//! `key_refetch`, concurrent verifications share one fetch, the multi-tenant issuer is the
//! token's own tenant's, and a set past `key_max_age` is fetched again before use.

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

/// Serves discovery and, in place of whatever was served before, a key set publishing `kids`
/// (all with `key`'s public half), or a failing key endpoint for `None`.
async fn publish(server: &MockServer, key: &OwnKey, kids: Option<&[&str]>) {
    server.reset().await;
    let origin = server.uri();
    Mock::given(method("GET"))
        .and(path(DISCOVERY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issuer": format!("{origin}/{{tenantid}}/v2.0"),
            "jwks_uri": format!("{origin}{KEYS}"),
        })))
        .mount(server)
        .await;
    let keys = match kids {
        Some(kids) => {
            ResponseTemplate::new(200).set_body_json(json!({"keys": kids.iter().map(|kid| json!({
            "kty": "RSA", "use": "sig", "kid": kid, "n": key.n, "e": key.e, "alg": "RS256",
        })).collect::<Vec<_>>()}))
        }
        None => ResponseTemplate::new(500),
    };
    Mock::given(method("GET")).and(path(KEYS)).respond_with(keys).mount(server).await;
}

/// A valid assertion for the app, signed with `key` under `kid`.
fn assertion(server: &MockServer, key: &OwnKey, kid: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    key.sign(
        kid,
        &json!({
            "aud": "api://app-1", "iss": format!("{}/tid-1/v2.0", server.uri()),
            "tid": "tid-1", "oid": "oid-1", "exp": now + 600, "nbf": now - 10, "iat": now - 10,
        }),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawn_key_is_refused_once_the_cached_set_is_past_its_max_age() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let server = MockServer::start().await;
    let key = OwnKey::generate(3);
    publish(&server, &key, Some(&["k1", "k2"])).await;
    let config = MicrosoftAuthConfig::new(server.uri(), "common", "app-1", "secret".into());
    // Every use finds the set past its max age, and nothing limits the fetches.
    let aged_config = MicrosoftAuthConfig {
        key_max_age: Duration::ZERO,
        key_refetch: Duration::ZERO,
        ..config.clone()
    };
    let within_age = MicrosoftAuth::new(config.clone()).unwrap();
    let aged = MicrosoftAuth::new(aged_config.clone()).unwrap();
    let k1 = assertion(&server, &key, "k1");
    let k2 = assertion(&server, &key, "k2");
    assert!(within_age.verify_assertion(MS, &k1).await.is_ok());
    assert!(aged.verify_assertion(MS, &k1).await.is_ok());

    // The platform withdraws k1 at once (an emergency rollover).
    publish(&server, &key, Some(&["k2"])).await;
    assert!(within_age.verify_assertion(MS, &k1).await.is_ok(), "the set is an hour's");
    assert_eq!(fetches(&server, KEYS).await, 0);
    assert!(matches!(
        aged.verify_assertion(MS, &k1).await,
        Err(MailAuthError::InvalidAssertion(reason)) if reason.contains("does not publish")
    ));
    assert!(aged.verify_assertion(MS, &k2).await.is_ok());
    assert_eq!(fetches(&server, KEYS).await, 2);

    // The platform is unreachable: a stale set is used while younger than key_stale_limit…
    publish(&server, &key, None).await;
    assert!(aged.verify_assertion(MS, &k2).await.is_ok());
    assert!(matches!(
        aged.verify_assertion(MS, &k1).await,
        Err(MailAuthError::InvalidAssertion(_))
    ));
    // …and not after.
    let strict = MicrosoftAuthConfig { key_stale_limit: Duration::ZERO, ..aged_config };
    let strict = MicrosoftAuth::new(strict).unwrap();
    publish(&server, &key, Some(&["k2"])).await;
    assert!(strict.verify_assertion(MS, &k2).await.is_ok());
    publish(&server, &key, None).await;
    assert!(matches!(strict.verify_assertion(MS, &k2).await, Err(MailAuthError::Transport(_))));

    // Fetching a stale set is limited like fetching for an unknown kid: within key_refetch of
    // the last fetch, the stale set is used as it is.
    let limited = MicrosoftAuthConfig { key_max_age: Duration::ZERO, ..config };
    let limited = MicrosoftAuth::new(limited).unwrap();
    publish(&server, &key, Some(&["k2"])).await;
    assert!(limited.verify_assertion(MS, &k2).await.is_ok());
    publish(&server, &key, None).await;
    for _ in 0..3 {
        assert!(limited.verify_assertion(MS, &k2).await.is_ok());
    }
    assert_eq!(fetches(&server, KEYS).await, 0);
}
