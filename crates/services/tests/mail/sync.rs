//! Syncing the sandbox's demo mailbox: the window once, nothing on a re-run, changes by delta
//! with their events, a forgotten delta token.

use std::collections::HashSet;

use switchboard_domain::Change;
use switchboard_domain::mail::{MailAccountStatus, MessageQuery, SyncProgress};
use switchboard_sandbox::NewMail;
use switchboard_services::mail::SyncOutcome;

use super::support::{World, start};

fn message_events(state: &switchboard_memory::MemoryState) -> Vec<&switchboard_domain::Event> {
    state.events.iter().filter(|e| e.model_name == "mail_message").collect()
}

/// Live sandbox messages received within the 90-day window.
fn in_window(world: &World) -> usize {
    let since = world.sandbox.now() - chrono::Duration::days(90);
    let all = world.sandbox.mail_messages(&world.demo, None).unwrap();
    all.iter().filter(|m| m.received_at >= since).count()
}

#[tokio::test]
async fn the_first_sync_stores_the_window_once_and_a_rerun_records_nothing() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    let expected = in_window(&world);
    assert!(expected > 100, "the demo mailbox has a window's worth of mail: {expected}");

    let outcome = world.mail.sync(account.id).await.unwrap();
    assert_eq!(outcome.created, expected as u64);
    assert_eq!((outcome.changed, outcome.deleted), (0, 0));
    let folders = world.sandbox.mail_folders(&world.demo).unwrap();
    assert_eq!(outcome.folders, folders.len() as u64);

    let state = world.state().await;
    let stored: Vec<_> =
        state.mail.messages.values().filter(|m| m.account_id == account.id).collect();
    assert_eq!(stored.len(), expected);
    let ids: HashSet<&str> = stored.iter().map(|m| m.provider_id.as_str()).collect();
    assert_eq!(ids.len(), expected, "each message once");
    assert!(stored.iter().all(|m| m.folder_ids.len() == 1), "every message in its folder");
    let added = message_events(&state);
    assert_eq!(added.len(), expected);
    assert!(added.iter().all(|e| e.owner_id == Some(ada.user_id)));
    let synced = &state.mail.accounts[&account.id];
    assert_eq!(synced.status, MailAccountStatus::Active);
    // Complete: the window is what is stored.
    let stored = expected as u64;
    assert_eq!(synced.progress, SyncProgress { stored, total: Some(stored) });
    assert!(synced.last_sync_at.is_some());
    assert!(
        state.mail.folders.values().all(|f| f.account_id != account.id || f.sync_cursor.is_some())
    );

    let again = world.mail.sync(account.id).await.unwrap();
    assert_eq!(again, SyncOutcome { folders: outcome.folders, ..SyncOutcome::default() });
    let state = world.state().await;
    assert_eq!(message_events(&state).len(), expected, "a re-run records nothing");
}

/// The folders count all their mail, older than the window too: once the first sync is
/// complete, its total is the window it stored, so its progress ends at 100 %.
#[tokio::test]
async fn a_complete_sync_shows_the_window_stored_as_its_total() {
    let world = super::support::start_with(|policy| policy.window_days = 10);
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    let since = world.sandbox.now() - chrono::Duration::days(10);
    let all = world.sandbox.mail_messages(&world.demo, None).unwrap();
    let in_window = all.iter().filter(|m| m.received_at >= since).count() as u64;
    assert!(in_window > 0 && in_window < all.len() as u64, "{in_window} of {}", all.len());
    let state = world.state().await;
    let progress = state.mail.accounts[&account.id].progress;
    assert_eq!(progress, SyncProgress { stored: in_window, total: Some(in_window) });
    assert_eq!(progress.fraction(), Some(1.0));
}

#[tokio::test]
async fn changes_at_the_provider_come_in_by_delta_with_their_events() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    world.mail.sync(account.id).await.unwrap();
    let before = world.state().await;
    let inbox = world.sandbox.mail_messages(&world.demo, Some("inbox")).unwrap();
    let (read, deleted, moved) = (&inbox[0], &inbox[1], &inbox[2]);
    let stored_id = |pid: &str| {
        before.mail.messages.values().find(|m| m.provider_id == pid).map(|m| m.id).unwrap()
    };
    let (read_id, deleted_id, moved_id) =
        (stored_id(&read.id), stored_id(&deleted.id), stored_id(&moved.id));

    let new = world
        .sandbox
        .add_mail(NewMail {
            subject: "Quarterly numbers".into(),
            body: "Attached".into(),
            ..NewMail::default()
        })
        .unwrap();
    world.sandbox.mark_mail(&world.demo, &read.id, !read.is_read).unwrap();
    world.sandbox.delete_mail(&world.demo, &deleted.id).unwrap();
    let archive = world.sandbox.move_mail(&world.demo, &moved.id, "archive").unwrap();

    let outcome = world.mail.sync(account.id).await.unwrap();
    assert_eq!((outcome.created, outcome.changed, outcome.deleted), (1, 2, 1), "{outcome:?}");
    let state = world.state().await;
    let events: Vec<_> =
        message_events(&state).into_iter().skip(message_events(&before).len()).collect();
    let about = |id: String| events.iter().filter(move |e| e.object_id == id).count();
    assert_eq!(about(read_id.to_string()), 1);
    assert!(events.iter().any(|e| e.object_id == read_id.to_string()
        && matches!(&e.change, Change::Changed { attribute_name, .. } if attribute_name == "unread")));
    assert!(
        events
            .iter()
            .any(|e| e.object_id == deleted_id.to_string() && matches!(e.change, Change::Deleted))
    );
    assert!(events.iter().any(|e| matches!(e.change, Change::Added { .. })));
    assert!(!state.mail.messages.contains_key(&deleted_id));
    assert_eq!(state.mail.messages[&read_id].unread, read.is_read);
    let archive_folder = state
        .mail
        .folders
        .values()
        .find(|f| f.account_id == account.id && f.provider_id == archive.folder_id)
        .unwrap();
    assert_eq!(
        state.mail.messages[&moved_id].folder_ids,
        vec![archive_folder.id],
        "moved, same id"
    );
    assert!(state.mail.messages.values().any(|m| m.provider_id == new.id));

    let again = world.mail.sync(account.id).await.unwrap();
    assert_eq!((again.created, again.changed, again.deleted), (0, 0, 0));
}

/// The folders read their window again: what arrived meanwhile is added, what was deleted
/// meanwhile (which no delta reports any more) removed, and a message moved meanwhile keeps
/// its id in its new folder.
#[tokio::test]
async fn a_forgotten_delta_token_starts_the_folders_again_without_duplicates() {
    let world = start();
    let ada = world.user("ada@example.org").await;
    let account = world.link(&ada, &world.demo).await;
    let first = world.mail.sync(account.id).await.unwrap();
    let before = world.state().await;
    assert!(world.sandbox.expire_delta_tokens() > 0);
    world
        .sandbox
        .add_mail(NewMail { subject: "After the reset".into(), ..NewMail::default() })
        .unwrap();
    let inbox = world.sandbox.mail_messages(&world.demo, Some("inbox")).unwrap();
    let (deleted, moved) = (&inbox[1], &inbox[2]);
    let stored_id = |pid: &str| {
        before.mail.messages.values().find(|m| m.provider_id == pid).map(|m| m.id).unwrap()
    };
    let (deleted_id, moved_id) = (stored_id(&deleted.id), stored_id(&moved.id));
    world.sandbox.delete_mail(&world.demo, &deleted.id).unwrap();
    let archive = world.sandbox.move_mail(&world.demo, &moved.id, "archive").unwrap();
    let outcome = world.mail.sync(account.id).await.unwrap();
    assert_eq!((outcome.created, outcome.changed, outcome.deleted), (1, 1, 1), "{outcome:?}");
    let state = world.state().await;
    let stored = state.mail.messages.values().filter(|m| m.account_id == account.id).count();
    assert_eq!(stored as u64, first.created);
    assert!(!state.mail.messages.contains_key(&deleted_id));
    let archive_folder = state
        .mail
        .folders
        .values()
        .find(|f| f.account_id == account.id && f.provider_id == archive.folder_id)
        .unwrap();
    assert_eq!(state.mail.messages[&moved_id].folder_ids, vec![archive_folder.id]);
    assert_eq!(state.mail.accounts[&account.id].status, MailAccountStatus::Active);
    let page = world.mail.messages(&ada, MessageQuery::of(account.id, 5)).await.unwrap();
    assert_eq!(page.messages[0].subject, "After the reset", "newest first");
}
