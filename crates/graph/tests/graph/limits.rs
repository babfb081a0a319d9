//! Expired tokens, throttling within the retry policy, and at most 4 requests in flight.

use std::time::Duration;

use switchboard_ports::mail::{MailError, MailSource};

use crate::support::{Fixture, READ};

/// The demo inbox's large attachment (message id, attachment id): its download stays in
/// flight until its stream is dropped.
fn large_attachment(f: &Fixture) -> (String, String) {
    let listed = f.sandbox.mail_messages(&f.demo, Some("inbox")).unwrap();
    listed
        .iter()
        .find_map(|m| {
            m.attachments.iter().find(|a| a.2 > 3_000_000).map(|a| (m.id.clone(), a.0.clone()))
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_is_unauthorized() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    source.identity().await.unwrap();
    f.sandbox.expire_microsoft_access_tokens();
    let err = source.identity().await.unwrap_err();
    assert_eq!(err, MailError::Unauthorized { reason: "InvalidAuthenticationToken".into() });
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_retried_within_the_policy_then_given_up() {
    let f = Fixture::start(50);
    let source = f.source(READ);

    // Two 429s: the policy's two retries absorb them.
    let before = f.sandbox.graph_requests();
    f.sandbox.throttle_graph(2, Duration::ZERO);
    source.identity().await.unwrap();
    assert_eq!(f.sandbox.graph_requests() - before, 3);

    // A 503 with Retry-After is throttling too.
    let before = f.sandbox.graph_requests();
    f.sandbox.make_graph_unavailable(1, Duration::ZERO);
    source.identity().await.unwrap();
    assert_eq!(f.sandbox.graph_requests() - before, 2);

    // Three: the call gives up after its third try, and says so.
    let before = f.sandbox.graph_requests();
    f.sandbox.throttle_graph(3, Duration::ZERO);
    let err = source.identity().await.unwrap_err();
    assert_eq!(err, MailError::RateLimited { retry_after: Duration::ZERO });
    assert_eq!(f.sandbox.graph_requests() - before, 3);

    // A wait longer than the policy allows fails at once.
    let before = f.sandbox.graph_requests();
    f.sandbox.throttle_graph(1, Duration::from_secs(120));
    let err = source.identity().await.unwrap_err();
    assert_eq!(err, MailError::RateLimited { retry_after: Duration::from_secs(120) });
    assert_eq!(f.sandbox.graph_requests() - before, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifth_concurrent_call_waits_for_a_slot() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    let (message, attachment) = large_attachment(&f);

    // Four downloads, their bodies unread: four requests in flight.
    let mut downloads = Vec::new();
    for _ in 0..4 {
        downloads.push(source.attachment(&message, &attachment).await.unwrap());
    }
    assert_eq!(source.limit().in_flight(), 4);
    let served = f.sandbox.graph_requests();

    // From another source of the same mailbox (one built after a token refresh, say).
    let token = f.sandbox.microsoft_access_token(&f.demo, READ).unwrap();
    let other = f.sources.source_with_limit(&token, source.limit().clone());
    let fifth = tokio::spawn(async move { other.identity().await });
    // Until the fifth call queues for a slot (or, were there no limit, gets through).
    while source.limit().waiting() == 0 && !fifth.is_finished() {
        tokio::task::yield_now().await;
    }
    assert!(!fifth.is_finished(), "the fifth call did not wait");
    assert_eq!(source.limit().waiting(), 1);
    assert_eq!(f.sandbox.graph_requests(), served, "the fifth call was not sent");

    drop(downloads.pop());
    let me = fifth.await.unwrap().unwrap();
    assert_eq!(me.address, f.demo);
    assert_eq!(f.sandbox.graph_requests(), served + 1);
    assert_eq!(source.limit().in_flight(), 3);
    drop(downloads);
    assert_eq!(source.limit().in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn sources_the_port_builds_for_one_mailbox_share_its_four_slots() {
    use switchboard_domain::mail::MailProvider;
    use switchboard_ports::MailSourceFactory;

    let f = Fixture::start(50);
    let token = || f.sandbox.microsoft_access_token(&f.demo, READ).unwrap();
    let first = f.sources.source(MailProvider::Microsoft, "account-1", &token()).unwrap();
    let (message, attachment) = large_attachment(&f);
    let mut downloads = Vec::new();
    for _ in 0..4 {
        downloads.push(first.attachment(&message, &attachment).await.unwrap());
    }

    // Another job on the same mailbox, with its own (refreshed) token: it waits.
    let second = f.sources.source(MailProvider::Microsoft, "account-1", &token()).unwrap();
    assert!(second.limit().shares_with(first.limit()));
    assert_eq!(second.limit().in_flight(), 4);
    // Another mailbox (the same person's other account, say) has slots of its own.
    let elsewhere = f.sources.source(MailProvider::Microsoft, "account-2", &token()).unwrap();
    assert!(!elsewhere.limit().shares_with(first.limit()));
    assert_eq!(elsewhere.identity().await.unwrap().address, f.demo);

    let served = f.sandbox.graph_requests();
    let fifth = tokio::spawn(async move { second.identity().await });
    while first.limit().waiting() == 0 && !fifth.is_finished() {
        tokio::task::yield_now().await;
    }
    assert!(!fifth.is_finished(), "the fifth call did not wait");
    assert_eq!(f.sandbox.graph_requests(), served, "the fifth call was not sent");
    drop(downloads.pop());
    assert_eq!(fifth.await.unwrap().unwrap().address, f.demo);

    let google = f.sources.source(MailProvider::Google, "account-3", &token()).unwrap_err();
    assert!(matches!(google, MailError::Provider { code, .. } if code == "not_configured"));
}
