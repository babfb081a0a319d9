//! On-Behalf-Of: linking with a token Microsoft issued to a client for this API, and signing
//! in to Switchboard with it.

use secrecy::SecretString;
use switchboard_crypto::{
    Argon2Hasher, Argon2Settings, HashPriority, JwtSettings, JwtTokens, SigningKeySetting,
};
use switchboard_services::identity::NO_PASSWORD_HASH;
use switchboard_services::{
    AuthError, AuthService, ClientInfo, Identity, IdentityPolicy, MailServiceError,
};

use super::support::{Ports, World, start};

fn auth(world: &World) -> AuthService<Ports> {
    let hasher = Argon2Hasher::new(Argon2Settings {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
        max_concurrent: 2,
        max_queued: 64,
        priority: HashPriority::Idle,
    })
    .unwrap();
    let tokens = JwtTokens::new(JwtSettings {
        issuer: "switchboard".into(),
        audience: "switchboard-api".into(),
        lifetime_secs: 900,
        keys: vec![SigningKeySetting {
            kid: "k1".into(),
            private_key: SecretString::from("dev-insecure-jwt-signing-key-one-AAAAAAAAAA"),
        }],
        verified_cache: 0,
    })
    .unwrap();
    AuthService::new(Identity {
        sessions: switchboard_services::CheckedSessions::default(),
        uow: world.store.clone(),
        clock: world.clock.clone(),
        hasher,
        tokens,
        secrets: world.secrets.clone(),
        policy: IdentityPolicy::default(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assertion_links_the_callers_mailbox_and_a_bad_one_links_nothing() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let forged = world.mail.link_on_behalf_of(&ada, "not.a.token").await;
    assert!(matches!(forged, Err(MailServiceError::InvalidAssertion(_))), "{forged:?}");
    let expired = world.sandbox.microsoft_assertion(&world.demo, None, -600).unwrap();
    let expired = world.mail.link_on_behalf_of(&ada, &expired).await;
    assert!(matches!(expired, Err(MailServiceError::InvalidAssertion(_))), "{expired:?}");
    let foreign =
        world.sandbox.microsoft_assertion(&world.demo, Some("api://another-app"), 600).unwrap();
    let foreign = world.mail.link_on_behalf_of(&ada, &foreign).await;
    assert!(matches!(foreign, Err(MailServiceError::InvalidAssertion(_))), "{foreign:?}");
    assert!(world.state().await.mail.accounts.is_empty());

    let assertion = world.sandbox.microsoft_assertion(&world.demo, None, 600).unwrap();
    let linked = world.mail.link_on_behalf_of(&ada, &assertion).await.unwrap();
    assert!(linked.created);
    assert_eq!(linked.account.address, world.demo);
    assert_eq!(linked.account.user_id, ada.user_id);
    let outcome = world.mail.sync(linked.account.id).await.unwrap();
    assert!(outcome.created > 0, "the exchanged tokens read the mailbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_microsoft_makes_the_user_once_and_answers_switchboards_tokens() {
    let world = start();
    let auth = auth(&world);
    let mailbox = world.sandbox.mailboxes()[1].clone();
    let assertion = world.sandbox.microsoft_assertion(&mailbox.address, None, 600).unwrap();
    let first = world.mail.sign_in_with_microsoft(&assertion).await.unwrap();
    assert!(first.created_user);
    assert!(first.linked.created);
    assert_eq!(first.linked.account.user_id, first.user_id);
    let state = world.state().await;
    let user = &state.identity.users[&first.user_id];
    assert_eq!(user.email.as_str(), mailbox.address.to_lowercase());
    assert_eq!(user.password_hash, NO_PASSWORD_HASH);

    let again = world.mail.sign_in_with_microsoft(&assertion).await.unwrap();
    assert_eq!(again.user_id, first.user_id);
    assert!(!again.created_user);
    assert_eq!(again.linked.account.id, first.linked.account.id);

    let pair = auth.sign_in_verified(first.user_id, ClientInfo::default()).await.unwrap();
    assert_eq!(pair.user_id, first.user_id);
    assert!(!pair.access_token.is_empty() && !pair.refresh_token.is_empty());
    let refreshed = auth.refresh(&pair.refresh_token).await.unwrap();
    assert_eq!(refreshed.user_id, first.user_id);
    // No password opens the account.
    for password in ["", NO_PASSWORD_HASH, "correct horse battery staple"] {
        let login = auth.login(&mailbox.address, password, ClientInfo::default()).await;
        assert!(matches!(login, Err(AuthError::InvalidCredentials)), "{login:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_with_the_same_address_is_never_taken_over() {
    let world = start();
    let mailbox = world.sandbox.mailboxes()[1].address.clone();
    let owner = world.user(&mailbox).await;
    let assertion = world.sandbox.microsoft_assertion(&mailbox, None, 600).unwrap();
    let taken = world.mail.sign_in_with_microsoft(&assertion).await;
    assert!(
        matches!(taken, Err(MailServiceError::Invalid { field: "assertion", .. })),
        "{taken:?}"
    );
    let state = world.state().await;
    assert_eq!(state.identity.users.len(), 1);
    assert!(state.mail.accounts.is_empty());
    // Its owner links the mailbox from their own session instead.
    let linked = world.mail.link_on_behalf_of(&owner, &assertion).await.unwrap();
    assert_eq!(linked.account.user_id, owner.user_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_needed_at_microsoft_comes_back_for_the_client_to_act_on() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    world.sandbox.force_microsoft_error(switchboard_sandbox::TokenFault::ConsentRequired, 1);
    let assertion = world.sandbox.microsoft_assertion(&world.demo, None, 600).unwrap();
    let answer = world.mail.link_on_behalf_of(&ada, &assertion).await;
    assert!(
        matches!(&answer, Err(MailServiceError::InteractionRequired { error, .. }) if error == "consent_required"),
        "{answer:?}"
    );
    assert!(world.state().await.mail.accounts.is_empty());
}
