//! `changes`: the contract's rounds over the demo inbox, and what is Graph's own: pages of
//! `Prefer: odata.maxpagesize`, a move out of the folder seen as a removal, links checked
//! before the token follows them, a throttled later page retried.

use chrono::Duration;
use switchboard_ports::mail::{MailError, MailSource, SyncCursor, SyncFrom};

use crate::sandbox_world::DemoInbox;
use crate::support::{Fixture, READ, fixed_now};
use switchboard_contracts::mail_source::{self as contract, MailWorld, round};

#[tokio::test(flavor = "multi_thread")]
async fn a_window_then_a_delta_round_see_every_change_in_pages_of_the_size_asked() {
    let f = Fixture::start(20);
    let world = DemoInbox(&f);
    let since = fixed_now() - Duration::days(30);
    let listed = world.listed_since(since).len();
    let pages = contract::window_then_changes(&world, since).await;
    assert_eq!(pages, listed.div_ceil(20), "pages of 20 (Prefer: odata.maxpagesize)");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_delta_token_is_an_expired_cursor() {
    let f = Fixture::start(50);
    contract::forgotten_cursor_expires(&DemoInbox(&f), fixed_now() - Duration::days(2)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_moved_elsewhere_is_removed_from_its_folder() {
    let f = Fixture::start(50);
    let world = DemoInbox(&f);
    let (inbox, source) = (world.inbox_id(), world.source(false));
    let since = fixed_now() - Duration::days(7);
    let first = round(&source, Some(&inbox), SyncFrom::Window { since }).await.unwrap();
    let moved = first.upserted[0].id.clone();
    assert_eq!(first.upserted[0].folder_ids, std::slice::from_ref(&inbox));
    f.sandbox.move_mail(&f.demo, &moved, "archive").unwrap();
    let changes = round(&source, Some(&inbox), SyncFrom::Cursor(&first.cursor)).await.unwrap();
    assert_eq!((changes.upserted.len(), changes.removed), (0, vec![moved]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cursor_pointing_elsewhere_is_refused_before_the_token_leaves() {
    let f = Fixture::start(50);
    let before = f.sandbox.graph_requests();
    let foreign = SyncCursor(
        "http://127.0.0.1:9/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=x".into(),
    );
    let err = f.source(READ).changes(Some("inbox"), SyncFrom::Cursor(&foreign)).await.unwrap_err();
    assert!(matches!(err, MailError::InvalidResponse(_)), "{err:?}");
    assert_eq!(f.sandbox.graph_requests(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_later_page_is_retried_like_any_request() {
    let f = Fixture::start(20);
    let token = f.sandbox.microsoft_access_token(&f.demo, READ).unwrap();
    let source = f.sources.standalone(&token);
    let since = fixed_now() - Duration::days(30);
    let calm = round(&source, Some("inbox"), SyncFrom::Window { since }).await.unwrap();
    assert!(calm.pages >= 3, "{} pages", calm.pages);

    // The first page goes through, the second is refused twice: within the policy.
    f.sandbox.throttle_token_after(&token, 1, 2, std::time::Duration::ZERO);
    let before = f.sandbox.graph_requests();
    let throttled = round(&source, Some("inbox"), SyncFrom::Window { since }).await.unwrap();
    assert_eq!(throttled.pages, calm.pages);
    assert_eq!(f.sandbox.graph_requests() - before, calm.pages as u64 + 2);
    let ids = |r: &contract::Round| r.upserted.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&throttled), ids(&calm));
}
