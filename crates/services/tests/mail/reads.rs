//! Reading and writing the caller's mail, and nobody else's.

use futures_util::StreamExt;
use switchboard_domain::mail::{MailAccountStatus, MailAddress, MessageQuery, ThreadQuery};
use switchboard_sandbox::NewMail;
use switchboard_services::mail::SendMail;
use switchboard_services::{MailPolicy, MailService, MailServiceError};

use super::support::{Ports, start, start_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_read_in_full_once_and_its_attachment_streamed() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    let sent = world
        .sandbox
        .add_mail(NewMail {
            subject: "The contract".into(),
            body: "<p>Signed copy attached</p>".into(),
            html: true,
            attachment_bytes: Some(200_000),
            ..NewMail::default()
        })
        .unwrap();
    world.mail.sync(account.id).await.unwrap();
    let page = world.mail.messages(&ada, MessageQuery::of(account.id, 10)).await.unwrap();
    let listed = page.messages.iter().find(|m| m.subject == "The contract").unwrap();
    assert!(listed.has_attachments);
    let synced = world.state().await.mail.messages[&listed.id].clone();
    assert_eq!(synced.provider_id, sent.id);
    let synced_body = synced.body.as_ref().unwrap();
    assert!(synced_body.html.is_none(), "a sync stores the plain text only");
    assert!(synced_body.text.as_deref().is_some_and(|t| t.contains("Signed copy")));
    assert!(synced.attachments.is_empty(), "attachments come with opening it");

    let full = world.mail.message(&ada, listed.id).await.unwrap();
    assert_eq!(full.id, listed.id);
    assert!(
        full.body
            .as_ref()
            .and_then(|b| b.html.as_deref())
            .is_some_and(|h| h.contains("Signed copy"))
    );
    assert_eq!(full.attachments.len(), 1);
    let stored = world.state().await.mail.messages[&listed.id].clone();
    assert!(stored.body.is_some_and(|b| b.html.is_some()), "the body is stored");
    assert_eq!(stored.attachments, full.attachments);

    let meta = &full.attachments[0];
    let download = world.mail.attachment(&ada, full.id, &meta.id).await.unwrap();
    assert_eq!(download.name, meta.name);
    let mut chunks = download.chunks;
    let (mut bytes, mut count) = (0usize, 0);
    while let Some(chunk) = chunks.next().await {
        bytes += chunk.unwrap().len();
        count += 1;
    }
    assert_eq!(bytes as u64, meta.size);
    assert!(count >= 1);
    let missing = world.mail.attachment(&ada, full.id, "nope").await;
    assert!(matches!(missing, Err(MailServiceError::AttachmentNotFound)));

    let threads = world
        .mail
        .threads(
            &ada,
            ThreadQuery { account: account.id, folder: None, unread: None, after: None, limit: 10 },
        )
        .await
        .unwrap();
    let key = &threads.threads[0].thread_key;
    let thread = world.mail.thread(&ada, key, Some(account.id)).await.unwrap();
    assert!(!thread.is_empty());
    let none = world.mail.thread(&ada, "no-such-thread", None).await;
    assert!(matches!(none, Err(MailServiceError::ThreadNotFound)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_finds_none_of_the_ids() {
    let world = start_with(|p| {
        p.write_back = true;
        p.send = true;
    });
    let ada = world.user("ada@example.org").await;
    let eve = world.user("eve@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    let message =
        world.mail.messages(&ada, MessageQuery::of(account.id, 1)).await.unwrap().messages[0]
            .clone();
    let folder = world.mail.folders(&ada, account.id).await.unwrap()[0].id;

    let not_account = |r: Result<(), MailServiceError>| {
        assert!(matches!(r, Err(MailServiceError::AccountNotFound)), "{r:?}");
    };
    let not_message = |r: Result<(), MailServiceError>| {
        assert!(matches!(r, Err(MailServiceError::MessageNotFound)), "{r:?}");
    };
    let m = &world.mail;
    not_account(m.account(&eve, account.id).await.map(drop));
    not_account(m.folders(&eve, account.id).await.map(drop));
    not_account(m.messages(&eve, MessageQuery::of(account.id, 10)).await.map(drop));
    let threads =
        ThreadQuery { account: account.id, folder: None, unread: None, after: None, limit: 5 };
    not_account(m.threads(&eve, threads).await.map(drop));
    not_account(m.request_sync(&eve, account.id).await.map(drop));
    not_account(m.unlink(&eve, account.id).await);
    let to = vec![MailAddress { name: None, address: "bo@example.org".into() }];
    let mail = SendMail {
        account_id: account.id,
        to: to.clone(),
        cc: Vec::new(),
        subject: "hi".into(),
        body: "hi".into(),
        reply_to_message_id: None,
    };
    not_account(m.send(&eve, mail.clone()).await);
    not_message(m.message(&eve, message.id).await.map(drop));
    not_message(m.set_unread(&eve, message.id, true).await.map(drop));
    let attachment = m.attachment(&eve, message.id, "a").await.map(drop);
    assert!(matches!(attachment, Err(MailServiceError::MessageNotFound)), "{attachment:?}");
    let thread = m.thread(&eve, &message.thread_key, None).await;
    assert!(matches!(thread, Err(MailServiceError::ThreadNotFound)), "{thread:?}");
    assert!(m.accounts(&eve).await.unwrap().is_empty());
    // Eve's own account may not reply to Ada's message.
    let eve_mailbox = world.sandbox.mailboxes()[1].address.clone();
    let eves = world.link(&eve, &eve_mailbox).await;
    let reply = SendMail { account_id: eves.id, reply_to_message_id: Some(message.id), ..mail };
    not_message(m.send(&eve, reply).await);
    let mut foreign = MessageQuery::of(eves.id, 5);
    foreign.folder = Some(folder);
    let r = m.messages(&eve, foreign).await.map(drop);
    assert!(matches!(r, Err(MailServiceError::FolderNotFound)), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writing_back_and_sending_are_refused_while_disabled() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    let message =
        world.mail.messages(&ada, MessageQuery::of(account.id, 1)).await.unwrap().messages[0]
            .clone();
    let write = world.mail.set_unread(&ada, message.id, true).await;
    assert!(
        matches!(write, Err(MailServiceError::FeatureDisabled { setting: "mail.write_back", .. })),
        "{write:?}"
    );
    let mail = SendMail {
        account_id: account.id,
        to: vec![MailAddress { name: None, address: "bo@example.org".into() }],
        cc: Vec::new(),
        subject: "hi".into(),
        body: "hi".into(),
        reply_to_message_id: None,
    };
    let send = world.mail.send(&ada, mail).await;
    assert!(
        matches!(send, Err(MailServiceError::FeatureDisabled { setting: "mail.send", .. })),
        "{send:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_without_the_scope_a_write_needs_marks_the_account_for_a_new_link() {
    // Linked while sending and writing back were off: the grant lacks both scopes.
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    // The same store and sandbox, the service now with writes on.
    let policy = MailPolicy { send: true, write_back: true, ..world.mail.policy().clone() };
    let mail = MailService::<Ports>::new(
        world.store.clone(),
        world.clock.clone(),
        world.secrets.clone(),
        world.adapters.clone(),
        policy,
    );
    let to = vec![MailAddress { name: None, address: "bo@example.org".into() }];
    let request = SendMail {
        account_id: account.id,
        to,
        cc: Vec::new(),
        subject: "hi".into(),
        body: "hi".into(),
        reply_to_message_id: None,
    };
    let no_recipient = mail.send(&ada, SendMail { to: Vec::new(), ..request.clone() }).await;
    assert!(
        matches!(no_recipient, Err(MailServiceError::Invalid { field: "to", .. })),
        "{no_recipient:?}"
    );
    let sent = mail.send(&ada, request).await;
    assert!(matches!(sent, Err(MailServiceError::ReauthRequired(_))), "{sent:?}");
    let state = world.state().await;
    let marked = &state.mail.accounts[&account.id];
    assert_eq!(marked.status, MailAccountStatus::ReauthRequired);
    assert!(marked.last_error.as_deref().is_some_and(|e| e.contains("Mail.Send")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_state_is_written_through_and_sending_works_with_the_scopes() {
    let world = start_with(|p| {
        p.send = true;
        p.write_back = true;
    });
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    let page = world.mail.messages(&ada, MessageQuery::of(account.id, 50)).await.unwrap();
    let message = page.messages.iter().find(|m| !m.unread).unwrap();
    let marked = world.mail.set_unread(&ada, message.id, true).await.unwrap();
    assert!(marked.unread);
    let at_provider = world.sandbox.mail_messages(&world.demo, None).unwrap();
    let there = at_provider.iter().find(|m| m.id == marked.provider_id).unwrap();
    assert!(!there.is_read, "written through to the provider");
    let again = world.mail.sync(account.id).await.unwrap();
    assert_eq!(again.changed, 0, "the sync finds what was stored already");

    let to = vec![MailAddress { name: Some("Bo".into()), address: "bo@example.org".into() }];
    let reply = SendMail {
        account_id: account.id,
        to,
        cc: Vec::new(),
        subject: "Re: hi".into(),
        body: "Thanks".into(),
        reply_to_message_id: Some(message.id),
    };
    world.mail.send(&ada, reply).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlinking_deletes_the_account_its_mail_and_tokens_and_records_it() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    world.mail.unlink(&ada, account.id).await.unwrap();
    let state = world.state().await;
    assert!(state.mail.accounts.is_empty());
    assert!(state.mail.messages.is_empty());
    assert!(state.mail.folders.is_empty());
    assert!(!state.identity.sealed.contains_key(&account.id.as_uuid()));
    let deleted = state.events.iter().any(|e| {
        e.model_name == "mail_account"
            && e.object_id == account.id.to_string()
            && matches!(e.change, switchboard_domain::Change::Deleted)
    });
    assert!(deleted);
    let again = world.mail.unlink(&ada, account.id).await;
    assert!(matches!(again, Err(MailServiceError::AccountNotFound)));
}
