//! Tokens: one refresh for many concurrent callers, a refused access token refreshed once,
//! and a dead grant that marks the account for a new link and stops there.

use std::time::Duration;

use futures_util::future::join_all;
use switchboard_domain::Change;
use switchboard_domain::mail::MailAccountStatus;
use switchboard_ports::mail::MailSource;
use switchboard_ports::{ProviderTokens, SecretBox};
use switchboard_sandbox::TokenFault;
use switchboard_services::MailServiceError;
use switchboard_services::jobs::BackgroundJob;
use switchboard_services::mail::MailSyncJob;

use super::support::{Ports, World, start};

async fn stored_tokens(
    world: &World,
    account: switchboard_domain::mail::MailAccountId,
) -> ProviderTokens {
    let state = world.state().await;
    let sealed = &state.identity.sealed[&account.as_uuid()];
    let opened = world.secrets.open(&sealed.ciphertext, sealed.id.as_bytes()).unwrap();
    serde_json::from_slice(&opened).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_callers_with_an_expiring_token_cause_one_refresh_and_the_rotation_is_kept() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    // Tokens that expire within the refresh margin, then normal ones again.
    world.sandbox.set_microsoft_token_lifetime(Duration::from_secs(60));
    let account = world.link(&ada, &world.demo).await;
    world.sandbox.set_microsoft_token_lifetime(Duration::from_secs(3600));
    let linked = stored_tokens(&world, account.id).await;

    let calls = (0..16).map(|_| world.mail.source_for(&account));
    let sources = join_all(calls).await;
    assert!(sources.iter().all(Result::is_ok));
    assert_eq!(world.refreshes(), 1, "one refresh for sixteen callers");
    let refreshed = stored_tokens(&world, account.id).await;
    assert_ne!(refreshed.access_token, linked.access_token);
    assert_ne!(refreshed.refresh_token, linked.refresh_token, "the rotated refresh token is kept");
    let me = sources[0].as_ref().unwrap().identity().await.unwrap();
    assert_eq!(me.address, world.demo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_access_token_is_refreshed_once_and_the_call_retried() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    assert!(world.sandbox.expire_microsoft_access_tokens() > 0);
    let outcome = world.mail.sync(account.id).await.unwrap();
    assert!(outcome.created > 0);
    assert_eq!(world.refreshes(), 1, "folders synced at once share the one refresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dead_grant_marks_the_account_and_the_job_succeeds_without_retrying_it() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    assert!(world.sandbox.revoke_microsoft_grants(&world.demo).unwrap() > 0);
    world.sandbox.expire_microsoft_access_tokens();

    MailSyncJob::<Ports>::new(account.id).run(&world.mail).await.unwrap();
    assert_eq!(world.refreshes(), 1);
    let state = world.state().await;
    let marked = &state.mail.accounts[&account.id];
    assert_eq!(marked.status, MailAccountStatus::ReauthRequired);
    assert!(marked.last_error.as_deref().is_some_and(|e| e.contains("AADSTS")), "{marked:?}");
    let recorded = state.events.iter().any(|e| {
        e.model_name == "mail_account"
            && e.object_id == account.id.to_string()
            && matches!(&e.change, Change::Changed { new_value, .. } if new_value == "reauth_required")
    });
    assert!(recorded, "the status change is an event");

    // Nothing calls the provider for it again.
    MailSyncJob::<Ports>::new(account.id).run(&world.mail).await.unwrap();
    let source = world.mail.source_for(marked).await;
    assert!(matches!(source, Err(MailServiceError::ReauthRequired(_))));
    let asked = world.mail.request_sync(&ada, account.id).await;
    assert!(matches!(asked, Err(MailServiceError::ReauthRequired(_))), "{asked:?}");
    assert_eq!(world.refreshes(), 1);
    world.store.update(|s| s.jobs.clear()).await;
    assert_eq!(world.mail.enqueue_syncs().await.unwrap(), 0, "the schedule skips it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_that_needs_the_user_marks_the_account_too() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.sandbox.force_microsoft_error(TokenFault::InteractionRequired, 1);
    world.sandbox.expire_microsoft_access_tokens();
    let synced = world.mail.sync(account.id).await;
    assert!(matches!(synced, Err(MailServiceError::ReauthRequired(_))), "{synced:?}");
    let state = world.state().await;
    assert_eq!(state.mail.accounts[&account.id].status, MailAccountStatus::ReauthRequired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_sync_fails_its_attempt_with_the_providers_wait_and_leaves_the_account() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.sandbox.throttle_graph(1_000, Duration::from_secs(30));
    let failed = MailSyncJob::<Ports>::new(account.id).run(&world.mail).await.unwrap_err();
    // The provider's 30 s, less what passed since it answered.
    let wait = failed.wait().unwrap_or_default();
    assert!(wait > Duration::from_secs(20) && wait <= Duration::from_secs(30), "{failed:?}");
    let state = world.state().await;
    let kept = &state.mail.accounts[&account.id];
    assert_eq!(kept.status, MailAccountStatus::Syncing);
    assert_eq!(kept.last_error, None);
    world.sandbox.throttle_graph(0, Duration::ZERO);
    MailSyncJob::<Ports>::new(account.id).run(&world.mail).await.unwrap();
    assert_eq!(world.state().await.mail.accounts[&account.id].status, MailAccountStatus::Active);
}
