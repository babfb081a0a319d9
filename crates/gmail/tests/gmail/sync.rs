//! `changes`: the contract's rounds over the demo mailbox, and what is Gmail's own: pages by
//! `pageToken`, history with deletions, the stale `historyId` restart.

use chrono::Duration;
use switchboard_contracts::mail_source::{self as contract, MailWorld, round};
use switchboard_ports::mail::{MailError, MailSource, SyncCursor, SyncFrom, SyncScope};

use crate::support::{Fixture, READ, fixed_now};
use crate::world::DemoGmail;

#[tokio::test(flavor = "multi_thread")]
async fn the_contract_window_then_changes_in_pages() {
    let f = Fixture::start(7);
    let world = DemoGmail(&f);
    assert_eq!(world.source(false).sync_scope(), SyncScope::Mailbox);
    let since = fixed_now() - Duration::days(3);
    let pages = contract::window_then_changes(&world, since).await;
    let listed = world.listed_since(since).len();
    assert_eq!(pages, listed.div_ceil(7), "{listed} messages in pages of 7");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_contract_a_forgotten_history_id_expires() {
    let f = Fixture::start(50);
    contract::forgotten_cursor_expires(&DemoGmail(&f), fixed_now() - Duration::days(2)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_added_then_deleted_is_only_removed_and_label_changes_refetch() {
    let f = Fixture::start(50);
    let world = DemoGmail(&f);
    let source = f.source(READ);
    let first = round(&source, None, SyncFrom::Window { since: fixed_now() - Duration::days(1) })
        .await
        .unwrap();
    let fleeting = world.deliver("Gone soon");
    world.delete(&fleeting);
    let old = f.sandbox.gmail_messages(&f.demo, None).unwrap().pop().unwrap();
    f.sandbox.label_gmail(&f.demo, &old.id, &["STARRED"], &[]).unwrap();

    let changes = round(&source, None, SyncFrom::Cursor(&first.cursor)).await.unwrap();
    assert_eq!(changes.removed, vec![fleeting]);
    assert_eq!(changes.upserted.len(), 1);
    assert_eq!(changes.upserted[0].id, old.id);
    assert!(changes.upserted[0].folder_ids.iter().any(|l| l == "STARRED"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cursor_that_is_not_a_history_id_restarts_and_junk_page_tokens_are_refused() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    let junk = SyncCursor("not-a-number".into());
    let err = source.changes(None, SyncFrom::Cursor(&junk)).await.unwrap_err();
    assert_eq!(err, MailError::CursorExpired);
    let token = switchboard_ports::mail::PageToken("zz".into());
    let err = source.changes(None, SyncFrom::Page(&token)).await.unwrap_err();
    assert!(matches!(err, MailError::InvalidResponse(_)), "{err:?}");
}
