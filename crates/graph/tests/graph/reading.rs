//! `identity`, `folders`, `message` and `attachment`.

use std::collections::HashMap;

use chrono::SubsecRound;
use futures_util::StreamExt;
use switchboard_domain::mail::{FolderKind, FolderRole, MailProvider};
use switchboard_ports::mail::{MailError, MailSource};

use crate::support::{Fixture, READ};

#[tokio::test(flavor = "multi_thread")]
async fn identity_names_the_mailbox_of_each_token_through_one_client() {
    let f = Fixture::start(50);
    let mailboxes = f.sandbox.mailboxes();
    for mailbox in &mailboxes {
        let me = f.source_for(&mailbox.address, READ).identity().await.unwrap();
        assert_eq!(me.provider, MailProvider::Microsoft);
        assert_eq!(me.account_id, mailbox.user_id);
        assert_eq!(me.address, mailbox.address);
        assert_eq!(me.display_name.as_deref(), Some(mailbox.display_name.as_str()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_include_child_folders_with_parents_and_roles() {
    let f = Fixture::start(50);
    let folders = f.source(READ).folders().await.unwrap();
    let expected = f.sandbox.mail_folders(&f.demo).unwrap();
    assert_eq!(folders.len(), expected.len());
    let by_id: HashMap<&str, _> = folders.iter().map(|x| (x.id.as_str(), x)).collect();
    let mut nested = 0;
    for want in &expected {
        let got = by_id[want.id.as_str()];
        assert_eq!(got.name, want.display_name);
        assert_eq!(got.parent_id, want.parent_id, "{}", want.display_name);
        assert_eq!((got.total, got.unread), (Some(want.total as u64), Some(want.unread as u64)));
        let role = want.well_known.as_deref().and_then(FolderRole::from_graph_well_known);
        assert_eq!(got.role, role, "{}", want.display_name);
        let kind = if role.is_some() { FolderKind::System } else { FolderKind::Folder };
        assert_eq!(got.kind, kind);
        nested += usize::from(want.parent_id.is_some());
    }
    // Inbox/Newsletters, Inbox/Projects and Inbox/Projects/Grants at least.
    assert!(nested >= 3, "{nested} child folders");
    for role in [FolderRole::Inbox, FolderRole::Sent, FolderRole::Trash, FolderRole::Spam] {
        assert!(folders.iter().any(|x| x.role == Some(role)), "{role:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_comes_with_both_bodies_and_its_attachments_described() {
    let f = Fixture::start(50);
    let listed = f.sandbox.mail_messages(&f.demo, None).unwrap();
    let want =
        listed.iter().find(|m| !m.attachments.is_empty()).expect("a message with attachments");
    let got = f.source(READ).message(&want.id).await.unwrap();
    assert_eq!((got.id.as_str(), got.subject.as_str()), (want.id.as_str(), want.subject.as_str()));
    assert_eq!(got.thread_id, want.conversation_id);
    assert_eq!(got.folder_ids, vec![want.folder_id.clone()]);
    // Graph's DateTimeOffset is to the second; the sandbox's own clock is finer.
    assert_eq!(got.received_at, want.received_at.trunc_subsecs(0));
    assert_eq!(got.unread, !want.is_read);
    assert_eq!(got.from.map(|a| a.address), Some(want.from.clone()));
    let body = got.body.expect("a body");
    let (html, text) = (body.html.expect("an HTML body"), body.text.expect("a text body"));
    assert!(html.contains('<'), "{html}");
    assert!(!text.contains("<html"), "{text}");
    let described: Vec<(String, String, u64)> =
        got.attachments.iter().map(|a| (a.id.clone(), a.name.clone(), a.size)).collect();
    assert_eq!(described, want.attachments);
    assert!(got.has_attachments);

    let gone = f.source(READ).message("AAMkAGnotamessage").await.unwrap_err();
    assert!(matches!(gone, MailError::NotFound { .. }), "{gone:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_attachment_arrives_in_chunks_that_add_up() {
    let f = Fixture::start(50);
    let listed = f.sandbox.mail_messages(&f.demo, Some("inbox")).unwrap();
    let (message, (attachment, _, size)) = listed
        .iter()
        .flat_map(|m| m.attachments.iter().map(move |a| (m, a.clone())))
        .find(|(_, (_, _, size))| *size > 3_000_000)
        .expect("the large attachment");
    let content = f.source(READ).attachment(&message.id, &attachment).await.unwrap();
    assert_eq!(content.content_type, "application/pdf");
    assert_eq!(content.length, Some(size));
    let mut chunks = content.chunks;
    let (mut total, mut count, mut largest) = (0u64, 0, 0);
    let mut head = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.unwrap();
        if head.is_empty() {
            head = chunk.iter().take(5).copied().collect();
        }
        total += chunk.len() as u64;
        largest = largest.max(chunk.len() as u64);
        count += 1;
    }
    assert_eq!(total, size);
    assert!(count > 1 && largest < size, "{count} chunks, the largest {largest} bytes");
    assert_eq!(head, b"%PDF-");
}
