//! What only PostgreSQL can show about a folder's threads: the index of them it keeps
//! (`mail_folder_threads`, by triggers) is at every step what the folder's links and the
//! threads' rows say, as messages are filed, refiled, answered elsewhere, moved to another
//! thread and removed; and a folder's page follows a thread's new activity.

#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::Duration;
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    FolderKind, MailAccountId, MailFolder, MailFolderId, StoredMessage, ThreadQuery,
};
use switchboard_ports::{MailStore, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

#[path = "shared/mailbox.rs"]
mod mailbox;
use mailbox::{linked_account, message};

/// The rows kept and the rows the links and threads give, each as text, that are not in both.
const DRIFT: &str = "
WITH kept AS (
    SELECT folder_id, thread_key, latest_at, links FROM mail_folder_threads),
counted AS (
    SELECT l.folder_id, l.thread_key, t.latest_at, count(*)::integer AS links
      FROM mail_message_folders l
      JOIN mail_messages m ON m.id = l.message_id AND m.thread_key = l.thread_key
      JOIN mail_folders f ON f.id = l.folder_id
      JOIN mail_threads t ON t.account_id = f.account_id AND t.thread_key = l.thread_key
     GROUP BY 1, 2, 3)
SELECT 'kept only: ' || k::text FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) k
 UNION ALL
SELECT 'counted only: ' || c::text FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) c";

struct Mailbox {
    db: TestDb,
    uow: PgUnitOfWork,
    account: MailAccountId,
    owner: UserId,
    few: MailFolderId,
    many: MailFolderId,
}

impl Mailbox {
    async fn new() -> Self {
        let db = TestDb::migrated().await;
        let uow = PgUnitOfWork::new(db.pool());
        let (account, owner) = linked_account(&uow, "ada@example.org").await;
        let folder = |name: &str| MailFolder {
            id: MailFolderId::new(),
            account_id: account,
            provider_id: name.into(),
            parent_id: None,
            name: name.into(),
            kind: FolderKind::Folder,
            role: None,
            total: None,
            unread: None,
            sync_cursor: None,
        };
        let folders = [folder("few"), folder("many")];
        let stored = uow
            .transact(move |tx| Box::pin(async move { tx.upsert_mail_folders(&folders).await }))
            .await
            .unwrap();
        let (few, many) = (stored[0].id, stored[1].id);
        Self { db, uow, account, owner, few, many }
    }

    /// The `i`th message of the mailbox (thread `t{i / 3}`), filed in `folders`.
    fn filed(&self, i: i64, folders: &[MailFolderId]) -> StoredMessage {
        StoredMessage { folder_ids: folders.to_vec(), ..message(self.account, i) }
    }

    async fn upsert(&self, messages: Vec<StoredMessage>) {
        self.uow
            .transact(move |tx| {
                Box::pin(async move { tx.upsert_mail_messages(&messages).await.map(|_| ()) })
            })
            .await
            .unwrap();
    }

    async fn remove(&self, provider_ids: Vec<String>) {
        let account = self.account;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.remove_mail_messages(account, &provider_ids).await.map(|_| ())
                })
            })
            .await
            .unwrap();
    }

    /// What the kept rows get wrong, after `step`; fails the test on anything.
    async fn assert_kept(&self, step: &str) {
        let client = self.db.client().await;
        let drift: Vec<String> =
            client.query(DRIFT, &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
        assert!(drift.is_empty(), "after {step}: {drift:#?}");
        let rows: i64 =
            client.query_one("SELECT count(*) FROM mail_folder_threads", &[]).await.unwrap().get(0);
        assert!(rows > 0, "after {step}: the folders hold threads");
    }

    /// The first `limit` threads of `folder`.
    async fn first_threads(&self, folder: MailFolderId, limit: u32) -> Vec<String> {
        let (user, account) = (self.owner, self.account);
        let query = ThreadQuery { account, folder: Some(folder), unread: None, after: None, limit };
        let page = self
            .uow
            .read(move |tx| Box::pin(async move { tx.mail_threads(user, &query).await }))
            .await
            .unwrap();
        page.threads.into_iter().map(|t| t.thread_key).collect()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folders_kept_threads_follow_its_links_and_their_threads() {
    let mailbox = Mailbox::new().await;
    let (few, many) = (mailbox.few, mailbox.many);
    // "few": threads t0..t9; "many": t10..t399, in two statements; t5 in both.
    mailbox.upsert((0..30).map(|i| mailbox.filed(i, &[few])).collect()).await;
    for half in [30..600, 600..1_200] {
        mailbox.upsert(half.map(|i| mailbox.filed(i, &[many])).collect()).await;
    }
    mailbox.upsert(vec![mailbox.filed(15, &[few, many])]).await;
    mailbox.assert_kept("filing").await;

    // Thread t0 refiled from "few" to "many"; every message written again unchanged.
    mailbox.upsert((0..3).map(|i| mailbox.filed(i, &[many])).collect()).await;
    mailbox.upsert((600..900).map(|i| mailbox.filed(i, &[many])).collect()).await;
    mailbox.assert_kept("refiling").await;

    // A reply in t1 (from "few"), later than every message, filed in "many" only: t1 is the
    // newest thread of both folders.
    let latest = (0..1_200).map(|i| message(mailbox.account, i).received_at).max().unwrap();
    let reply = StoredMessage {
        provider_id: "reply".into(),
        thread_key: "t1".into(),
        received_at: latest + Duration::minutes(1),
        ..mailbox.filed(0, &[many])
    };
    mailbox.upsert(vec![reply]).await;
    mailbox.assert_kept("a reply elsewhere").await;
    assert_eq!(mailbox.first_threads(few, 1).await, ["t1"]);
    assert_eq!(mailbox.first_threads(many, 1).await, ["t1"]);

    // The reply moved to a thread of its own, then removed with most of "many".
    let moved = StoredMessage { thread_key: "t-moved".into(), ..mailbox.filed(0, &[many]) };
    mailbox.upsert(vec![StoredMessage { provider_id: "reply".into(), ..moved }]).await;
    mailbox.assert_kept("a message moved to another thread").await;
    assert_eq!(mailbox.first_threads(few, 1).await, ["t8"], "t1's latest is its own again");
    let gone = std::iter::once("reply".to_owned()).chain((100..1_200).map(|i| format!("m{i}")));
    mailbox.remove(gone.collect()).await;
    mailbox.assert_kept("removal").await;
    let left = mailbox.first_threads(many, 500).await;
    assert_eq!(left.len(), 26, "t10..t33, t0 and t5: {left:?}");
}

/// The check above sees a kept row that drifted from the links.
#[tokio::test(flavor = "multi_thread")]
async fn the_check_sees_a_kept_row_that_drifted() {
    let mailbox = Mailbox::new().await;
    mailbox.upsert((0..30).map(|i| mailbox.filed(i, &[mailbox.few])).collect()).await;
    mailbox.assert_kept("filing").await;
    let client = mailbox.db.client().await;
    client
        .batch_execute("UPDATE mail_folder_threads SET links = links + 1 WHERE thread_key = 't3'")
        .await
        .unwrap();
    let drift = client.query(DRIFT, &[]).await.unwrap();
    assert_eq!(drift.len(), 2, "the row kept and the row counted differ");
}

/// A folder's new entry for a thread that another transaction is changing at the same time
/// takes that transaction's latest activity once it commits, not the one before: the entry's
/// insert waits for it (the thread's row read under a share lock). Without the lock it read
/// the old time, and the other transaction's update of the folder's entries missed the entry.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_entry_waits_for_its_threads_concurrent_change() {
    let mailbox = std::sync::Arc::new(Mailbox::new().await);
    let (few, many) = (mailbox.few, mailbox.many);
    // Thread t1: two messages in "few", a third in no folder yet.
    let messages = vec![mailbox.filed(3, &[few]), mailbox.filed(4, &[few]), mailbox.filed(5, &[])];
    mailbox.upsert(messages).await;

    // Another writer moves the thread's latest activity and holds its transaction open.
    let writer = mailbox.db.client().await;
    writer
        .batch_execute(
            "BEGIN; UPDATE mail_threads SET latest_at = timestamptz '2031-01-01 00:00:00+00'
              WHERE thread_key = 't1'",
        )
        .await
        .unwrap();

    // The third message filed in "many" (unchanged itself: its thread is not counted again).
    let filing = tokio::spawn({
        let mailbox = std::sync::Arc::clone(&mailbox);
        async move { mailbox.upsert(vec![mailbox.filed(5, &[many])]).await }
    });
    // Until the filing waits on a lock, or ends without waiting (which the check below fails).
    let observer = mailbox.db.client().await;
    let waits = "SELECT count(*) FROM pg_stat_activity
                  WHERE datname = current_database() AND wait_event_type = 'Lock'";
    for _ in 0..6_000 {
        let waiting: i64 = observer.query_one(waits, &[]).await.unwrap().get(0);
        if waiting > 0 || filing.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    writer.batch_execute("COMMIT").await.unwrap();
    filing.await.unwrap();

    mailbox.assert_kept("a filing concurrent with its thread's change").await;
    assert_eq!(mailbox.first_threads(many, 1).await, ["t1"], "at the writer's time");
}
