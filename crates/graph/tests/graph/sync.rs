//! `changes`: a window synced page by page, then a delta round with every kind of change, and
//! an expired delta token.

use chrono::Duration;
use switchboard_domain::mail::ProviderMessage;
use switchboard_ports::mail::{MailError, MailSource, SyncCursor, SyncFrom, SyncStep};
use switchboard_sandbox::NewMail;

use crate::support::{Fixture, READ, fixed_now};

/// Every page of a round: what was upserted, removed, how many pages, and the cursor.
async fn round(
    source: &impl MailSource,
    folder: &str,
    from: SyncFrom<'_>,
) -> Result<(Vec<ProviderMessage>, Vec<String>, usize, SyncCursor), MailError> {
    let mut page = source.changes(Some(folder), from).await?;
    let (mut upserted, mut removed, mut pages) = (Vec::new(), Vec::new(), 1);
    loop {
        upserted.append(&mut page.upserted);
        removed.append(&mut page.removed);
        match page.next {
            SyncStep::Done(cursor) => return Ok((upserted, removed, pages, cursor)),
            SyncStep::More(token) => {
                page = source.changes(Some(folder), SyncFrom::Page(&token)).await?;
                pages += 1;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_then_a_delta_round_see_every_change() {
    let f = Fixture::start(20);
    let source = f.source(READ);
    let inbox = f
        .sandbox
        .mail_folders(&f.demo)
        .unwrap()
        .into_iter()
        .find(|x| x.well_known.as_deref() == Some("inbox"))
        .unwrap();
    let since = fixed_now() - Duration::days(30);
    let want: Vec<String> = f
        .sandbox
        .mail_messages(&f.demo, Some(&inbox.id))
        .unwrap()
        .into_iter()
        .filter(|m| m.received_at >= since)
        .map(|m| m.id)
        .collect();
    assert!(want.len() > 40, "{} messages in the window", want.len());

    let (listed, removed, pages, cursor) =
        round(&source, &inbox.id, SyncFrom::Window { since }).await.unwrap();
    assert!(removed.is_empty());
    assert_eq!(pages, want.len().div_ceil(20), "pages of 20 (Prefer: odata.maxpagesize)");
    let ids: Vec<String> = listed.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, want, "the window, newest first");
    assert!(listed.iter().all(|m| m.body.is_none() && m.folder_ids == [inbox.id.clone()]));

    // Changes: one new, one read, one moved to the archive, one deleted for good.
    let (read, moved, deleted) = (&want[3], &want[4], &want[5]);
    let new = f
        .sandbox
        .add_mail(NewMail {
            mailbox: f.demo.clone(),
            folder: "inbox".into(),
            subject: "Fresh results".into(),
            from_name: "Ada".into(),
            from_address: "ada@example.com".into(),
            body: "Numbers attached.".into(),
            html: false,
            attachment_bytes: None,
            reply_to: None,
        })
        .unwrap();
    f.sandbox.mark_mail(&f.demo, read, true).unwrap();
    f.sandbox.mark_mail(&f.demo, read, false).unwrap();
    f.sandbox.move_mail(&f.demo, moved, "archive").unwrap();
    f.sandbox.delete_mail(&f.demo, deleted).unwrap();

    let (changed, removed, _, next) =
        round(&source, &inbox.id, SyncFrom::Cursor(&cursor)).await.unwrap();
    let mut changed_ids: Vec<&str> = changed.iter().map(|m| m.id.as_str()).collect();
    changed_ids.sort_unstable();
    let mut expected = vec![new.id.as_str(), read.as_str()];
    expected.sort_unstable();
    assert_eq!(changed_ids, expected);
    assert!(
        changed
            .iter()
            .find(|m| m.id == new.id)
            .is_some_and(|m| m.unread && m.subject == "Fresh results")
    );
    let mut removed = removed;
    removed.sort_unstable();
    let mut gone = vec![moved.clone(), deleted.clone()];
    gone.sort_unstable();
    assert_eq!(removed, gone);

    // Nothing since: an empty round, and a cursor again.
    let (changed, removed, pages, _) =
        round(&source, &inbox.id, SyncFrom::Cursor(&next)).await.unwrap();
    assert_eq!((changed.len(), removed.len(), pages), (0, 0, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_delta_token_is_an_expired_cursor() {
    let f = Fixture::start(50);
    let source = f.source(READ);
    let since = fixed_now() - Duration::days(2);
    let (_, _, _, cursor) = round(&source, "inbox", SyncFrom::Window { since }).await.unwrap();
    assert!(f.sandbox.expire_delta_tokens() > 0);
    let err = source.changes(Some("inbox"), SyncFrom::Cursor(&cursor)).await.unwrap_err();
    assert_eq!(err, MailError::CursorExpired);
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
    let source = f.sources.source(&token);
    let since = fixed_now() - Duration::days(30);
    let (unthrottled, _, pages, _) =
        round(&source, "inbox", SyncFrom::Window { since }).await.unwrap();
    assert!(pages >= 3, "{pages} pages");

    // The first page goes through, the second is refused twice: within the policy.
    f.sandbox.throttle_token_after(&token, 1, 2, std::time::Duration::ZERO);
    let before = f.sandbox.graph_requests();
    let (listed, _, again, _) = round(&source, "inbox", SyncFrom::Window { since }).await.unwrap();
    assert_eq!(again, pages);
    assert_eq!(f.sandbox.graph_requests() - before, pages as u64 + 2);
    let ids = |list: &[ProviderMessage]| list.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&listed), ids(&unthrottled));
}
