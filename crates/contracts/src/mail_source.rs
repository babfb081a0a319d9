//! The mail port's behaviour written once, over any [`MailSource`] and a [`MailWorld`] that
//! changes the mailbox behind it the way its user would. Provider-neutral: the Graph adapter
//! runs it with a world over the sandbox's Microsoft side (one cursor per folder), the Gmail
//! adapter with one over its Google side (`scope` `None`, one cursor per mailbox).

use chrono::{DateTime, Utc};
use switchboard_domain::mail::ProviderMessage;
use switchboard_ports::mail::{MailError, MailSource, SyncCursor, SyncFrom, SyncStep};

/// A mailbox under test, and what its user (or another client) can do to it.
pub trait MailWorld {
    /// The adapter under test.
    type Source: MailSource;

    /// A source reading the mailbox (and writing it, with `write`).
    fn source(&self, write: bool) -> Self::Source;
    /// The scope a round syncs: a folder id for per-folder providers, `None` otherwise.
    fn scope(&self) -> Option<String>;
    /// Messages of the scope received since `since`, newest first.
    fn listed_since(&self, since: DateTime<Utc>) -> Vec<String>;
    /// Delivers a new unread message into the scope; its id.
    fn deliver(&self, subject: &str) -> String;
    /// Marks a message read or unread.
    fn mark_read(&self, id: &str, read: bool);
    /// Whether a message is read now.
    fn is_read(&self, id: &str) -> bool;
    /// Deletes a message for good.
    fn delete(&self, id: &str);
    /// Makes the provider forget every change cursor.
    fn forget_cursors(&self);
    /// Whether the provider's listing carries each message's plain-text body.
    fn lists_text_bodies(&self) -> bool;
}

/// A whole round: what was upserted, removed, how many pages, and the cursor it ended with.
#[derive(Debug)]
pub struct Round {
    /// Messages upserted, in order.
    pub upserted: Vec<ProviderMessage>,
    /// Ids removed.
    pub removed: Vec<String>,
    /// Pages read.
    pub pages: usize,
    /// The cursor it ended with.
    pub cursor: SyncCursor,
}

/// Follows a round from `from` to its end.
///
/// # Errors
/// The first page's error.
pub async fn round(
    source: &impl MailSource,
    scope: Option<&str>,
    from: SyncFrom<'_>,
) -> Result<Round, MailError> {
    let mut page = source.changes(scope, from).await?;
    let (mut upserted, mut removed, mut pages) = (Vec::new(), Vec::new(), 1);
    loop {
        upserted.append(&mut page.upserted);
        removed.append(&mut page.removed);
        match page.next {
            SyncStep::Done(cursor) => return Ok(Round { upserted, removed, pages, cursor }),
            SyncStep::More(token) => {
                page = source.changes(scope, SyncFrom::Page(&token)).await?;
                pages += 1;
            }
        }
    }
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort_unstable();
    ids
}

/// A first round lists the window newest first, without HTML bodies (a plain-text one where
/// the provider lists it, for search); a round from its cursor sees
/// a new message, a read-state change and a deletion, and nothing else; a round after that
/// sees nothing. Returns the first round's page count.
pub async fn window_then_changes(world: &impl MailWorld, since: DateTime<Utc>) -> usize {
    let source = world.source(false);
    let scope = world.scope();
    let want = world.listed_since(since);
    assert!(want.len() > 10, "{} messages in the window", want.len());

    let first = round(&source, scope.as_deref(), SyncFrom::Window { since }).await.unwrap();
    assert!(first.removed.is_empty());
    let ids: Vec<String> = first.upserted.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids, want, "the window, newest first");
    let no_html = |m: &ProviderMessage| m.body.as_ref().is_none_or(|b| b.html.is_none());
    assert!(first.upserted.iter().all(|m| no_html(m) && m.received_at >= since));
    if world.lists_text_bodies() {
        let has_text = |m: &ProviderMessage| {
            m.body.as_ref().and_then(|b| b.text.as_deref()).is_some_and(|t| !t.is_empty())
        };
        assert!(first.upserted.iter().all(has_text));
    }

    let (read, deleted) = (&want[1], &want[2]);
    let was_read = world.is_read(read);
    let new = world.deliver("Fresh results");
    world.mark_read(read, !was_read);
    world.delete(deleted);

    let changes = round(&source, scope.as_deref(), SyncFrom::Cursor(&first.cursor)).await.unwrap();
    let changed: Vec<String> = changes.upserted.iter().map(|m| m.id.clone()).collect();
    assert_eq!(sorted(changed), sorted(vec![new.clone(), read.clone()]));
    let fresh = changes.upserted.iter().find(|m| m.id == new).unwrap();
    assert!(fresh.unread && fresh.subject == "Fresh results");
    assert!(changes.upserted.iter().any(|m| m.id == *read && m.unread == was_read));
    assert_eq!(changes.removed, std::slice::from_ref(deleted));

    let quiet = round(&source, scope.as_deref(), SyncFrom::Cursor(&changes.cursor)).await.unwrap();
    assert_eq!((quiet.upserted.len(), quiet.removed.len(), quiet.pages), (0, 0, 1));
    first.pages
}

/// A cursor the provider forgot is [`MailError::CursorExpired`].
pub async fn forgotten_cursor_expires(world: &impl MailWorld, since: DateTime<Utc>) {
    let source = world.source(false);
    let scope = world.scope();
    let first = round(&source, scope.as_deref(), SyncFrom::Window { since }).await.unwrap();
    world.forget_cursors();
    let err = source.changes(scope.as_deref(), SyncFrom::Cursor(&first.cursor)).await;
    assert_eq!(err.unwrap_err(), MailError::CursorExpired);
}

/// Read state written through a source with the write scope, refused without it.
pub async fn read_state_is_written_with_the_write_scope_only(world: &impl MailWorld, id: &str) {
    let writer = world.source(true);
    writer.set_unread(id, false).await.unwrap();
    assert!(world.is_read(id));
    writer.set_unread(id, true).await.unwrap();
    assert!(!world.is_read(id));
    let err = world.source(false).set_unread(id, false).await.unwrap_err();
    assert!(matches!(err, MailError::Forbidden { .. }), "{err:?}");
    assert!(!world.is_read(id));
}
