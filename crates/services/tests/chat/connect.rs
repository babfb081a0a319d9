//! Connecting a source: the token is validated first, the URL is checked, and everything is
//! stored in one transaction.

use switchboard_domain::Change;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_sources::SourceStatus;
use switchboard_ports::SecretBox as _;
use switchboard_sandbox::{MATTERMOST_TOKEN, Provider};
use switchboard_services::ChatServiceError;
use switchboard_services::chat::ConnectSource;

use crate::support::{start, start_with, user};

#[tokio::test]
async fn a_bad_token_is_refused_and_nothing_is_stored() {
    let world = start();
    let caller = user();
    for request in [
        ConnectSource { token: "xoxp-not-a-token".into(), ..world.request(Provider::Slack) },
        ConnectSource { token: "nope".into(), ..world.request(Provider::Mattermost) },
    ] {
        let err = world.chat.connect(&caller, request).await.unwrap_err();
        assert!(matches!(err, ChatServiceError::TokenRefused), "{err:?}");
    }
    let empty = ConnectSource { token: "  ".into(), ..world.request(Provider::Slack) };
    let err = world.chat.connect(&caller, empty).await.unwrap_err();
    assert!(matches!(err, ChatServiceError::MissingToken));
    let state = world.state().await;
    assert!(state.chat.sources.is_empty());
    assert!(state.chat.channels.is_empty());
    assert!(state.identity.sealed.is_empty());
    assert!(state.jobs.is_empty());
    assert!(state.events.is_empty());
}

#[tokio::test]
async fn connecting_stores_the_sealed_token_the_channels_events_and_a_sync() {
    let world = start();
    let caller = user();
    let source = world.connect(&caller, Provider::Mattermost).await;
    assert_eq!(source.provider, ChatProvider::Mattermost);
    assert_eq!(source.status, SourceStatus::Active);
    assert_eq!(source.external_user_name, "demo");
    assert_eq!(source.base_url, world.sandbox.mattermost_base_url());

    let state = world.state().await;
    let sealed = &state.identity.sealed[&source.token_secret_id];
    assert!(!sealed.ciphertext.windows(8).any(|w| w == &MATTERMOST_TOKEN.as_bytes()[..8]));
    let secrets = switchboard_crypto::AeadSecretBox::new(&[switchboard_crypto::SecretBoxKey {
        kid: "s1".into(),
        key: secrecy::SecretString::from("dev-insecure-secret-box-key-one-AAAAAAAAAAA"),
    }])
    .unwrap();
    let opened = secrets.open(&sealed.ciphertext, sealed.id.as_bytes()).unwrap();
    assert_eq!(opened, MATTERMOST_TOKEN.as_bytes());

    let readable = world.sandbox.channels(Provider::Mattermost);
    let readable = readable.iter().filter(|c| c.member && !c.archived).count();
    assert_eq!(state.chat.channels.len(), readable);
    assert!(state.chat.channels.values().all(|c| c.followed && c.owner_id == caller.user_id));

    let job = state.jobs.values().next().unwrap();
    assert_eq!(job.job_type, "chat.sync");
    assert_eq!(job.dedupe_key.as_deref(), Some(source.id.to_string().as_str()));
    let added: Vec<&str> = state
        .events
        .iter()
        .filter(|e| matches!(e.change, Change::Added { .. }))
        .map(|e| e.model_name.as_str())
        .collect();
    assert_eq!(added.iter().filter(|m| **m == "chat_source").count(), 1);
    assert_eq!(added.iter().filter(|m| **m == "chat_channel").count(), readable);
    assert!(state.events.iter().all(|e| e.owner_id == Some(caller.user_id)));
    let snapshot = format!("{:?}", state.events);
    assert!(!snapshot.contains(MATTERMOST_TOKEN));
}

#[tokio::test]
async fn private_and_metadata_addresses_are_refused_unless_allowed() {
    let world = start_with(false);
    let caller = user();
    let port = world.sandbox.addr().port();
    for url in [
        format!("http://127.0.0.1:{port}/mattermost"),
        "http://10.1.2.3:8065".to_owned(),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        format!("http://localhost:{port}/mattermost"),
        "http://[::1]:8065".to_owned(),
    ] {
        let request =
            ConnectSource { base_url: Some(url.clone()), ..world.request(Provider::Mattermost) };
        let err = world.chat.connect(&caller, request).await.unwrap_err();
        assert!(matches!(err, ChatServiceError::ForbiddenAddress(_)), "{url}: {err:?}");
    }
    let bad = ConnectSource {
        base_url: Some("file:///etc/passwd".into()),
        ..world.request(Provider::Mattermost)
    };
    let err = world.chat.connect(&caller, bad).await.unwrap_err();
    assert!(matches!(err, ChatServiceError::InvalidBaseUrl(_)), "{err:?}");
    let missing = ConnectSource { base_url: None, ..world.request(Provider::Mattermost) };
    let err = world.chat.connect(&caller, missing).await.unwrap_err();
    assert!(matches!(err, ChatServiceError::MissingBaseUrl(ChatProvider::Mattermost)));
    let state = world.state().await;
    assert!(state.chat.sources.is_empty() && state.identity.sealed.is_empty());
}
