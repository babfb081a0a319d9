//! What only PostgreSQL can show about the mail store: an account locked for a token refresh
//! stays locked against every other transaction until the one holding it ends, and a page of
//! messages is a statement each connection prepares once, cursor and search included, and a
//! search keeps the plan it made instead of planning every execution again; so are the
//! statements the mail analytics run on every request.

#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::{TimeZone, Utc};
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{MailMessageId, MessageCursor, MessageQuery, StoredMessage};
use switchboard_ports::{MailStatsStore, MailStore, StoreError, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

#[path = "shared/mailbox.rs"]
mod mailbox;
#[path = "shared/prepared.rs"]
mod prepared;
use mailbox::{linked_account, message};
use prepared::{Prepared, prepared_statements};

/// Locks the row from another connection without waiting: `Err` with SQLSTATE 55P03
/// (`lock_not_available`) while someone else holds it.
const TRY_LOCK: &str = "SELECT id FROM mail_accounts WHERE id = $1::text::uuid FOR UPDATE NOWAIT";

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_mail_account_stays_locked_until_its_transaction_ends() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(db.pool());
    let (id, _) = linked_account(&uow, "ada@example.org").await;

    let other = db.client().await;
    let held = id.to_string();
    let (locked, refused) = uow
        .transact(move |tx| {
            Box::pin(async move {
                let locked = tx.lock_mail_account(id).await?;
                let refused = other.query(TRY_LOCK, &[&held]).await.err();
                Ok::<_, StoreError>((locked, refused))
            })
        })
        .await
        .unwrap();
    assert_eq!(locked.map(|a| a.id), Some(id));
    let code = refused.as_ref().and_then(|e| e.code()).map(|c| c.code().to_owned());
    assert_eq!(code.as_deref(), Some("55P03"), "held by the refreshing transaction: {refused:?}");

    let after = db.client().await;
    let rows = after.query(TRY_LOCK, &[&id.to_string()]).await.unwrap();
    assert_eq!(rows.len(), 1, "free once that transaction ended");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_with_a_cursor_and_a_search_is_prepared_and_planned_once_per_connection() {
    let db = TestDb::migrated().await;
    // One connection, so the second page runs where the first was prepared.
    let uow = PgUnitOfWork::new(switchboard_postgres::connect(db.url(), 1).unwrap());
    let (account, owner) = linked_account(&uow, "ada@example.org").await;
    let (other, _) = linked_account(&uow, "grace@example.org").await;
    // A mailbox with statistics, so the plans are costed as in use (over an empty table, a
    // plan that re-reads a tenth of the mailbox looks as cheap as any).
    // Another account ten times smaller: the planner, knowing the page's account, sees that
    // it holds more of the table than an account does on average.
    let messages: Vec<StoredMessage> = (0..10_000)
        .map(|i| message(account, i))
        .chain((0..1_000).map(|i| message(other, i)))
        .collect();
    uow.transact(move |tx| {
        Box::pin(async move { tx.upsert_mail_messages(&messages).await.map(|_| ()) })
    })
    .await
    .unwrap();
    db.client().await.batch_execute("ANALYZE mail_messages").await.unwrap();
    let cursor = MessageCursor {
        received_at: Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).single().unwrap(),
        id: MailMessageId::new(),
    };
    let prepared = uow
        .read(move |tx| {
            Box::pin(async move {
                // More than the five executions PostgreSQL would plan for their values before
                // weighing the plan it could keep; pages of 42 and 50 share a statement.
                for (word, limit) in [("kestrel", 42), ("zeppelin", 50)].repeat(4) {
                    let query = MessageQuery {
                        q: Some(word.into()),
                        from: Some("Grace@Example.org".into()),
                        after: Some(cursor),
                        ..MessageQuery::of(account, limit)
                    };
                    tx.mail_messages(owner, &query).await?;
                    // And the list's first page, and its page after the same cursor.
                    tx.mail_messages(owner, &MessageQuery::of(account, limit)).await?;
                    let list =
                        MessageQuery { after: Some(cursor), ..MessageQuery::of(account, limit) };
                    tx.mail_messages(owner, &list).await?;
                }
                prepared_statements(tx, "").await
            })
        })
        .await
        .unwrap();
    let pages: Vec<&Prepared> =
        prepared.iter().filter(|p| p.statement.contains("websearch_to_tsquery")).collect();
    assert_eq!(pages.len(), 1, "two searches, one prepared statement: {prepared:?}");
    assert!(pages[0].statement.contains("(mail_messages.received_at, mail_messages.id) <"));
    assert_eq!(
        (pages[0].custom_plans, pages[0].generic_plans),
        (0, 8),
        "eight executions of the plan made once: {prepared:?}"
    );
    // A list page is left to PostgreSQL's choice, which keeps the generic plan after the five
    // executions it plans for their values (with `LIMIT $n`, the cursor or the account as
    // parameters, it planned all eight).
    let lists: Vec<&Prepared> = prepared
        .iter()
        .filter(|p| p.statement.contains("FROM \"mail_messages\""))
        .filter(|p| p.statement.contains("ORDER BY") && !p.statement.contains("WITH"))
        .collect();
    let plans: Vec<(i64, i64)> = lists.iter().map(|p| (p.custom_plans, p.generic_plans)).collect();
    assert_eq!(plans, [(5, 3), (5, 3)], "two list statements, each keeps its plan: {prepared:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mail_analytics_statements_are_prepared_once_per_connection() {
    let db = TestDb::migrated().await;
    let uow = PgUnitOfWork::new(switchboard_postgres::connect(db.url(), 1).unwrap());
    let (account, owner) = linked_account(&uow, "ada@example.org").await;
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap();
    let window = TimeWindow::new(start, start + chrono::Duration::days(30));
    let prepared = uow
        .read(move |tx| {
            Box::pin(async move {
                for bucket in [1, 24, 24] {
                    let bucket = chrono::TimeDelta::hours(bucket);
                    tx.mail_received_counts(owner, account, None, window, bucket).await?;
                }
                for limit in [5, 10] {
                    tx.mail_top_senders(account, window, limit).await?;
                }
                for _ in 0..2 {
                    tx.mail_version(owner, account).await?;
                    tx.mail_thread_version(owner, None, "t1").await?;
                    tx.mail_thread_version(owner, Some(account), "t1").await?;
                }
                prepared_statements(tx, "").await
            })
        })
        .await
        .unwrap();
    let runs = |text: &str| -> Vec<i64> {
        prepared
            .iter()
            .filter(|p| p.statement.contains(text))
            .map(|p| p.generic_plans + p.custom_plans)
            .collect()
    };
    assert_eq!(runs("date_bin"), [3], "one statement for every bucket: {prepared:?}");
    assert_eq!(runs("array_agg"), [2], "one statement for every limit: {prepared:?}");
    assert_eq!(runs("mail_versions v"), [2], "the mail version: {prepared:?}");
    let mut versions = runs("\"mail_threads\".\"version\"");
    versions.sort_unstable();
    assert_eq!(versions, [2, 2], "a summary's thread version, with and without the account");
}
