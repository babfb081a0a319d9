//! Linking a mailbox: the authorization code with PKCE, the state bound to its starter and
//! browser, the attack of a link opened by someone else, and replays.

use switchboard_domain::mail::{MailAccountStatus, MailProvider};
use switchboard_services::MailServiceError;
use switchboard_services::mail::{LinkCallback, LinkFinished, LinkStart};

use super::support::{CLIENT_PAGE, start};

#[tokio::test]
async fn a_link_from_the_starting_browser_stores_the_account_sealed_tokens_an_event_and_a_sync() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let started = world.start_link(&ada, &world.demo, false).await;
    assert_eq!(started.provider, MailProvider::Microsoft);
    let url = url::Url::parse(&started.authorization_url).unwrap();
    let arg = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(arg("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(arg("login_hint").as_deref(), Some(world.demo.as_str()));
    assert!(arg("scope").unwrap().contains("Mail.Read"));
    assert_eq!(arg("code_challenge").map(|c| c.len()), Some(43));

    let (state, code) = world.authorize(&started).await;
    let finished = world
        .mail
        .finish_link(&state, LinkCallback::Code(code), None, Some(&started.binding))
        .await
        .unwrap();
    let LinkFinished::Linked { account, created, return_to } = finished else { panic!() };
    assert!(created);
    assert_eq!(return_to, None);
    assert_eq!(account.user_id, ada.user_id);
    assert_eq!(account.address, world.demo);
    assert_eq!(account.status, MailAccountStatus::Syncing);
    assert_eq!(account.provider_account_id, world.sandbox.mailboxes()[0].user_id);

    let state = world.state().await;
    let sealed = &state.identity.sealed[&account.id.as_uuid()];
    assert_eq!(sealed.purpose, "mail_tokens");
    assert_eq!(sealed.owner_id, Some(ada.user_id));
    let opened = switchboard_ports::SecretBox::open(
        &world.secrets,
        &sealed.ciphertext,
        sealed.id.as_bytes(),
    )
    .unwrap();
    let tokens: switchboard_ports::ProviderTokens = serde_json::from_slice(&opened).unwrap();
    assert!(tokens.refresh_token.is_some());
    assert!(!String::from_utf8_lossy(&sealed.ciphertext).contains(&tokens.access_token));
    let jobs: Vec<_> = state.jobs.values().collect();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].job_type, "mail.sync");
    assert_eq!(jobs[0].dedupe_key.as_deref(), Some(account.id.to_string().as_str()));
    let created: Vec<_> = state.events.iter().filter(|e| e.model_name == "mail_account").collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].owner_id, Some(ada.user_id));
}

#[tokio::test]
async fn a_state_is_taken_once_and_a_replay_is_refused() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let started = world.start_link(&ada, &world.demo, false).await;
    let (state, code) = world.authorize(&started).await;
    let binding = Some(started.binding.as_str());
    world.mail.finish_link(&state, LinkCallback::Code(code.clone()), None, binding).await.unwrap();
    let replay = world.mail.finish_link(&state, LinkCallback::Code(code), None, binding).await;
    assert!(matches!(replay, Err(MailServiceError::StateInvalid)), "{replay:?}");
    let forged =
        world.mail.finish_link("forged", LinkCallback::Code("c".into()), None, binding).await;
    assert!(matches!(forged, Err(MailServiceError::StateInvalid)), "{forged:?}");
}

#[tokio::test]
async fn another_browser_without_a_client_page_links_nothing_and_keeps_nothing() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let started = world.start_link(&ada, &world.demo, false).await;
    // Eve opened Ada's link and approved with her own mailbox: no cookie, no credentials.
    let eve_mailbox = world.sandbox.mailboxes()[1].address.clone();
    let url = started.authorization_url.replace(
        &url::form_urlencoded::byte_serialize(world.demo.as_bytes()).collect::<String>(),
        &url::form_urlencoded::byte_serialize(eve_mailbox.as_bytes()).collect::<String>(),
    );
    let (state, code) = world
        .authorize(&switchboard_services::mail::LinkStarted {
            authorization_url: url,
            ..started.clone()
        })
        .await;
    let other = world.mail.finish_link(&state, LinkCallback::Code(code), None, Some("eve's")).await;
    assert!(matches!(other, Err(MailServiceError::OtherBrowser)), "{other:?}");
    let state_after = world.state().await;
    assert!(state_after.mail.accounts.is_empty());
    assert!(state_after.jobs.is_empty());
    assert!(state_after.identity.sealed.is_empty());
    // The state is spent: Ada starts again.
    let again = world
        .mail
        .finish_link(&state, LinkCallback::Code("x".into()), Some(ada.user_id), None)
        .await;
    assert!(matches!(again, Err(MailServiceError::StateInvalid)), "{again:?}");
}

#[tokio::test]
async fn another_browser_with_a_client_page_gets_a_code_only_the_starter_completes() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let eve = world.user("eve@example.org").await;
    let started = world.start_link(&ada, &world.demo, true).await;
    let (state, code) = world.authorize(&started).await;
    let finished =
        world.mail.finish_link(&state, LinkCallback::Code(code), None, None).await.unwrap();
    let LinkFinished::Pending { code, return_to } = finished else { panic!("{finished:?}") };
    assert_eq!(return_to, CLIENT_PAGE);
    assert!(world.state().await.mail.accounts.is_empty(), "nothing linked before completion");
    // Eve holds the code (she was the browser): it is refused to her, and spent.
    let stolen = world.mail.complete_link(&eve, &code).await;
    assert!(matches!(stolen, Err(MailServiceError::LinkCodeInvalid)), "{stolen:?}");
    let late = world.mail.complete_link(&ada, &code).await;
    assert!(matches!(late, Err(MailServiceError::LinkCodeInvalid)), "{late:?}");
    assert!(world.state().await.mail.accounts.is_empty());

    // A fresh flow, completed by Ada's signed-in client.
    let started = world.start_link(&ada, &world.demo, true).await;
    let (state, code) = world.authorize(&started).await;
    let finished =
        world.mail.finish_link(&state, LinkCallback::Code(code), None, None).await.unwrap();
    let LinkFinished::Pending { code, .. } = finished else { panic!() };
    let linked = world.mail.complete_link(&ada, &code).await.unwrap();
    assert!(linked.created);
    assert_eq!(linked.account.user_id, ada.user_id);
    let replay = world.mail.complete_link(&ada, &code).await;
    assert!(matches!(replay, Err(MailServiceError::LinkCodeInvalid)), "{replay:?}");
}

#[tokio::test]
async fn the_starters_credentials_prove_the_callback_and_another_users_are_refused() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let eve = world.user("eve@example.org").await;
    let started = world.start_link(&ada, &world.demo, false).await;
    let (state, code) = world.authorize(&started).await;
    let refused =
        world.mail.finish_link(&state, LinkCallback::Code(code), Some(eve.user_id), None).await;
    assert!(matches!(refused, Err(MailServiceError::StateMismatch)), "{refused:?}");

    let started = world.start_link(&ada, &world.demo, false).await;
    let (state, code) = world.authorize(&started).await;
    let finished =
        world.mail.finish_link(&state, LinkCallback::Code(code), Some(ada.user_id), None).await;
    assert!(matches!(finished, Ok(LinkFinished::Linked { .. })), "{finished:?}");
}

#[tokio::test]
async fn linking_the_same_mailbox_again_updates_the_account_and_revives_it() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let first = world.link(&ada, &world.demo).await;
    world
        .store
        .update(|s| {
            let account = s.mail.accounts.get_mut(&first.id).unwrap();
            account.status = MailAccountStatus::ReauthRequired;
        })
        .await;
    let again = world.link(&ada, &world.demo).await;
    assert_eq!(again.id, first.id);
    assert_eq!(again.status, MailAccountStatus::Syncing);
    let state = world.state().await;
    assert_eq!(state.mail.accounts.len(), 1);
    assert_eq!(state.mail.accounts[&first.id].status, MailAccountStatus::Syncing);
}

#[tokio::test]
async fn bad_starts_are_refused_before_anything_is_stored() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let start = |email: &str, redirect: Option<&str>| LinkStart {
        email: email.to_owned(),
        provider: None,
        redirect_uri: redirect.map(str::to_owned),
    };
    let cases = [
        (start("not an address", None), "email"),
        (start("ada@unknown.example", None), "unknown"),
        (start("ada@gmail.com", None), "google"),
        (start(&world.demo, Some("https://evil.example/cb")), "redirect"),
    ];
    for (request, case) in cases {
        let err = world.mail.start_link(&ada, request).await.unwrap_err();
        let expected = match case {
            "email" => matches!(err, MailServiceError::Invalid { field: "email", .. }),
            "unknown" => matches!(err, MailServiceError::Detect(_)),
            "google" => {
                matches!(err, MailServiceError::ProviderNotConfigured(MailProvider::Google))
            }
            _ => matches!(err, MailServiceError::RedirectNotAllowed),
        };
        assert!(expected, "{case}: {err:?}");
    }
    let by_mx = world.mail.start_link(&ada, start("bo@contoso.example", None)).await.unwrap();
    assert_eq!(by_mx.provider, MailProvider::Microsoft);
}

#[tokio::test]
async fn a_refusal_at_the_provider_links_nothing() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let started = world.start_link(&ada, &world.demo, false).await;
    let (state, _) = world.authorize(&started).await;
    let denied = LinkCallback::Denied { error: "access_denied".into(), description: None };
    let err = world.mail.finish_link(&state, denied, None, Some(&started.binding)).await;
    assert!(matches!(err, Err(MailServiceError::Denied(_))), "{err:?}");
    assert!(world.state().await.mail.accounts.is_empty());
}

#[tokio::test]
async fn debug_output_hides_the_browser_nonce_and_the_one_time_code() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let started = world.start_link(&ada, &world.demo, true).await;
    assert!(!format!("{started:?}").contains(&started.binding));
    let (state, code) = world.authorize(&started).await;
    let finished =
        world.mail.finish_link(&state, LinkCallback::Code(code), None, None).await.unwrap();
    let LinkFinished::Pending { code, .. } = &finished else { panic!() };
    assert!(!format!("{finished:?}").contains(code.as_str()));
}
