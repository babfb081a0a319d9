//! Identity, labels, one message, attachments, read state and sending against the fake
//! Gmail; quota answers and dead tokens.

use std::time::Duration;

use futures_util::StreamExt;
use switchboard_contracts::mail_source as contract;
use switchboard_domain::mail::{
    FolderKind, FolderRole, MailAddress, MailProvider, OutgoingMessage,
};
use switchboard_ports::MailSourceFactory;
use switchboard_ports::mail::{MailError, MailSource};

use crate::support::{Fixture, READ};
use crate::world::DemoGmail;

#[tokio::test(flavor = "multi_thread")]
async fn identity_and_labels_in_one_vocabulary() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    let me = source.identity().await.unwrap();
    assert_eq!((me.provider, me.address.as_str()), (MailProvider::Google, f.demo.as_str()));
    assert_eq!(me.account_id, f.demo);

    let labels = source.folders().await.unwrap();
    let inbox = labels.iter().find(|l| l.id == "INBOX").unwrap();
    assert_eq!((inbox.kind, inbox.role), (FolderKind::System, Some(FolderRole::Inbox)));
    let drafts = labels.iter().find(|l| l.id == "DRAFT").unwrap();
    assert_eq!(drafts.role, Some(FolderRole::Drafts));
    assert!(labels.iter().any(|l| l.kind == FolderKind::Label && l.role.is_none()), "{labels:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_in_full_and_its_attachment_decoded() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    let listed = f.sandbox.gmail_messages(&f.demo, None).unwrap();
    let with = listed.iter().find(|m| !m.attachments.is_empty()).unwrap();
    let message = source.message(&with.id).await.unwrap();
    assert_eq!(
        (message.subject.as_str(), message.thread_id.as_str()),
        (with.subject.as_str(), with.thread_id.as_str())
    );
    assert!(message.body.as_ref().is_some_and(|b| b.text.is_some() || b.html.is_some()));
    let (id, name, size) = &with.attachments[0];
    let meta = message.attachments.iter().find(|a| a.name == *name).unwrap();
    assert_eq!(meta.size, *size);
    assert!(message.has_attachments);

    // An attachmentId Gmail handed out earlier (here, the admin API's) is asked for as it is.
    let content = source.attachment(&with.id, id).await.unwrap();
    let bytes: Vec<u8> = content.chunks.map(|c| c.unwrap()).concat().await;
    assert_eq!(bytes.len() as u64, *size);

    let content = source.attachment(&with.id, &meta.id).await.unwrap();
    assert_eq!(content.content_type, meta.content_type);
    let by_listed_id: Vec<u8> = content.chunks.map(|c| c.unwrap()).concat().await;
    assert_eq!(by_listed_id, bytes);

    let err = source.message("18c0000000000000").await.unwrap_err();
    assert!(matches!(err, MailError::NotFound { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attachment_keeps_its_id_when_gmail_hands_out_a_new_attachment_id() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    let listed = f.sandbox.gmail_messages(&f.demo, None).unwrap();
    let with = listed.iter().find(|m| !m.attachments.is_empty()).unwrap();
    let (gmail_id, name, _) = &with.attachments[0];
    let original = source.attachment(&with.id, gmail_id).await.unwrap();
    let original: Vec<u8> = original.chunks.map(|c| c.unwrap()).concat().await;

    // Gmail gives the part a new attachmentId on every reading; the id listed first must
    // still name it after the message was read again (the service re-reads on each open).
    let first = source.message(&with.id).await.unwrap();
    let first = first.attachments.iter().find(|a| a.name == *name).unwrap().clone();
    let again = source.message(&with.id).await.unwrap();
    let ids = |m: &switchboard_domain::mail::ProviderMessage| {
        m.attachments.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
    };
    assert!(ids(&again).contains(&first.id), "{:?} vs {first:?}", ids(&again));
    assert_ne!(first.id, *gmail_id);

    let content = source.attachment(&with.id, &first.id).await.unwrap();
    assert_eq!(content.content_type, first.content_type);
    let bytes: Vec<u8> = content.chunks.map(|c| c.unwrap()).concat().await;
    assert_eq!(bytes, original);
    assert_eq!(bytes.len() as u64, first.size);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_contract_read_state_needs_gmail_modify() {
    let f = Fixture::start(50);
    let unread = f.sandbox.gmail_messages(&f.demo, Some("UNREAD")).unwrap().remove(0);
    contract::read_state_is_written_with_the_write_scope_only(&DemoGmail(&f), &unread.id).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_is_sent_into_the_original_thread() {
    let f = Fixture::start(50);
    let original = f.sandbox.gmail_messages(&f.demo, Some("INBOX")).unwrap().remove(0);
    let source = f.source(
        "https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly",
    );
    let reply = OutgoingMessage {
        to: vec![],
        cc: vec![MailAddress {
            name: Some("Zoë Ünal".into()), address: "zoe@example.com".into()
        }],
        subject: String::new(),
        body: "Agreed — see you Monday.".into(),
        reply_to: Some(original.id.clone()),
    };
    let before: Vec<String> = f
        .sandbox
        .gmail_messages(&f.demo, Some("SENT"))
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    source.send(&reply).await.unwrap();
    let sent = f.sandbox.gmail_messages(&f.demo, Some("SENT")).unwrap();
    let mine: Vec<_> = sent.iter().filter(|m| !before.contains(&m.id)).collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0].thread_id, original.thread_id);
    let re = |s: &str| s.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("re:"));
    let expected = if re(&original.subject) {
        original.subject.clone()
    } else {
        format!("Re: {}", original.subject)
    };
    assert_eq!(mine[0].subject, expected);

    let read_only = f.source(READ).send(&reply).await.unwrap_err();
    assert!(matches!(read_only, MailError::Forbidden { .. }), "{read_only:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn quota_answers_are_retried_within_the_policy_then_rate_limited() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    // Two 429s: the third try answers (the policy allows two retries).
    f.sandbox.throttle_gmail(2, Duration::ZERO);
    let before = f.sandbox.gmail_requests();
    source.identity().await.unwrap();
    assert_eq!(f.sandbox.gmail_requests() - before, 3);

    // Five: given up after three tries.
    f.sandbox.throttle_gmail(5, Duration::ZERO);
    let before = f.sandbox.gmail_requests();
    let err = source.identity().await.unwrap_err();
    assert!(matches!(err, MailError::RateLimited { .. }), "{err:?}");
    assert_eq!(f.sandbox.gmail_requests() - before, 3);
    f.sandbox.throttle_gmail(0, Duration::ZERO);

    // A 403 userRateLimitExceeded asking for longer than the policy waits: no retry at all,
    // and the wait asked is what the caller hears.
    f.sandbox.limit_gmail_user_rate(1, Duration::from_secs(30));
    let other = f.source(READ);
    let before = f.sandbox.gmail_requests();
    let err = other.folders().await.unwrap_err();
    assert_eq!(err, MailError::RateLimited { retry_after: Duration::from_secs(30) });
    assert_eq!(f.sandbox.gmail_requests() - before, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_token_is_unauthorized_and_only_google_mailboxes_have_sources() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    f.sandbox.expire_google_access_tokens();
    let err = source.identity().await.unwrap_err();
    assert!(matches!(err, MailError::Unauthorized { .. }), "{err:?}");

    let a = f.sources.source(MailProvider::Google, "acct-1", "t").unwrap();
    let b = f.sources.source(MailProvider::Google, "acct-1", "t2").unwrap();
    assert!(a.limit().shares_with(b.limit()));
    let err = f.sources.source(MailProvider::Microsoft, "acct-2", "t").unwrap_err();
    assert!(matches!(err, MailError::Provider { code, .. } if code == "not_configured"));
}
