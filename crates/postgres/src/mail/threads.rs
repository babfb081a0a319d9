//! An account's threads: one statement reads a page of the account's thread rows
//! (`mail_threads`, kept by triggers on `mail_messages` with each thread's counts, latest
//! message and senders) along their time index. The threads of a folder are those with a
//! link in it (links carry their message's thread): a large folder's are tested one by one
//! along that walk, a small one's listed first from its links and read by key.
//!
//! Written as SQL text so its optional filters stay fixed fragments joined into it (every
//! value is bound), and [`Prepared`] once per connection.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, Integer, Jsonb, Nullable, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    MailAccountId, MailFolderId, ThreadPage, ThreadQuery, ThreadSummary,
};
use switchboard_ports::StoreError;

use crate::PgTx;
use crate::error::store_error;
use crate::page_plan::page_rows;
use crate::prepared::Prepared;

/// A page of the account's threads; `{threads}` (the CTE `top` of a small folder's listed
/// threads, which `{from}` then reads) or `{folder}` (a large folder's test) narrow which
/// threads count, `{unread}` too, `{after}` starts the page. The account is a subquery (an
/// InitPlan), so the page is planned once per connection (see `page_plan.rs`).
const THREADS: &str = "
{threads}
SELECT t.thread_key, t.latest_at, t.messages, t.unread, t.subject, t.snippet, t.senders
  FROM {from}
 WHERE t.account_id = (SELECT a.id FROM mail_accounts a WHERE a.id = $1 AND a.user_id = $2)
   {folder}
   {unread}
   {after}
 ORDER BY t.latest_at DESC, t.thread_key DESC
 LIMIT {limit}";

#[derive(QueryableByName)]
struct ThreadRow {
    #[diesel(sql_type = Text)]
    thread_key: String,
    #[diesel(sql_type = Timestamptz)]
    latest_at: DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    messages: i32,
    #[diesel(sql_type = Integer)]
    unread: i32,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    snippet: String,
    #[diesel(sql_type = Jsonb)]
    senders: serde_json::Value,
}

impl ThreadRow {
    fn summary(self, account: MailAccountId) -> Result<ThreadSummary, StoreError> {
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        let senders = serde_json::from_value(self.senders)
            .map_err(|e| StoreError::Other(format!("thread {} senders: {e}", self.thread_key)))?;
        Ok(ThreadSummary {
            account_id: account,
            thread_key: self.thread_key,
            subject: self.subject,
            snippet: self.snippet,
            latest_at: self.latest_at,
            messages: count(self.messages),
            unread: count(self.unread),
            senders,
        })
    }
}

/// The folders whose threads a page lists from the folder's links rather than by testing the
/// account's threads newest first: those with at most this many threads.
///
/// Testing a thread is one probe of the links' `(folder_id, thread_key)` index (about 2 µs),
/// so walking the threads finds a page of a folder holding most of them in a few dozen probes,
/// but one of a folder holding 1 thread in 60 in about 3,000. Listing a folder's threads
/// costs about 3 µs a thread (reading its latest activity to sort them): the two meet near
/// this size for a mailbox of 100,000 messages (33,000 threads), higher for larger ones.
const SMALL_FOLDER: usize = 1_000;

/// A folder the provider counts more messages in than this is not counted again here: its
/// threads are walked (the count is of all its mail, older than the sync window too, so such
/// a folder is seldom small in the window). Spares the inbox, the usual folder asked for, a
/// count of its threads (about 0.5 ms).
const LARGE_BY_PROVIDER: usize = 10_000;

/// The distinct threads of a small folder of the account (at most `{small}`, from the
/// links' `(folder_id, thread_key)` index), one NULL row for a larger one, nothing for a
/// folder of another account. One statement: the provider's count, then the links' (read
/// only without it), decide which branch runs (each a one-time filter).
const FOLDER_THREADS: &str = "
WITH counted AS MATERIALIZED (
    SELECT coalesce(f.total, 0) > {large} AS large
      FROM mail_folders f WHERE f.id = $1 AND f.account_id = $2),
l AS MATERIALIZED (
    SELECT DISTINCT l.thread_key FROM mail_message_folders l
     WHERE l.folder_id = (SELECT $1) AND (SELECT NOT c.large FROM counted c) LIMIT {limit}),
size AS MATERIALIZED (
    SELECT (SELECT c.large FROM counted c) OR count(*) > {small} AS large FROM l)
SELECT NULL::text AS thread_key WHERE (SELECT s.large FROM size s)
 UNION ALL
SELECT l.thread_key FROM l WHERE NOT (SELECT s.large FROM size s)";

/// Which of the account's threads a page may show.
enum Scope {
    /// Every thread.
    All,
    /// These threads (of a small folder).
    Listed(Vec<String>),
    /// The threads with a message in this (large) folder.
    InFolder(MailFolderId),
}

#[derive(QueryableByName)]
struct FolderThread {
    #[diesel(sql_type = Nullable<Text>)]
    thread_key: Option<String>,
}

/// The threads of `folder` in `account` when it holds at most [`SMALL_FOLDER`] threads (none
/// when the folder is not the account's), `None` for a larger one.
async fn small_folder_threads(
    tx: &mut PgTx,
    account: MailAccountId,
    folder: MailFolderId,
) -> Result<Option<Vec<String>>, StoreError> {
    let sql = FOLDER_THREADS
        .replace("{limit}", &(SMALL_FOLDER + 1).to_string())
        .replace("{small}", &SMALL_FOLDER.to_string())
        .replace("{large}", &LARGE_BY_PROVIDER.to_string());
    let statement = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Uuid, _>(folder.as_uuid())
        .bind::<Uuid, _>(account.as_uuid());
    let rows: Vec<FolderThread> = Prepared(statement).load(tx.conn()).await.map_err(store_error)?;
    Ok(rows.into_iter().map(|r| r.thread_key).collect())
}

pub(super) async fn page(
    tx: &mut PgTx,
    user: UserId,
    query: &ThreadQuery,
) -> Result<ThreadPage, StoreError> {
    // Which threads count: all, those of a small folder listed here ($3, the page reads just
    // those), or those a large folder ($3) holds, tested along the walk.
    let scope = match query.folder {
        None => Scope::All,
        Some(folder) => match small_folder_threads(tx, query.account, folder).await? {
            Some(keys) if keys.is_empty() => {
                return Ok(ThreadPage::from_fetched(Vec::new(), query.limit));
            }
            Some(keys) => Scope::Listed(keys),
            None => Scope::InFolder(folder),
        },
    };
    // Parameters $1 and $2 are fixed; the optional ones are numbered as they are added.
    let mut next = 3;
    let mut param = || {
        let n = next;
        next += 1;
        n
    };
    // The scope's parameter, before the cursor's (none for every thread: never written).
    let scope_param = match scope {
        Scope::All => 0,
        Scope::Listed(_) | Scope::InFolder(_) => param(),
    };
    // Written as a literal, so the threads with unread mail are read from their own index.
    let unread = match query.unread {
        Some(true) => "AND t.unread > 0",
        Some(false) => "AND t.unread = 0",
        None => "",
    };
    let after = match query.after {
        Some(_) => {
            let (at, key) = (param(), param());
            format!("AND (t.latest_at, t.thread_key) < (SELECT ${at}, ${key})")
        }
        None => String::new(),
    };
    let limit = page_rows(query.limit).to_string();
    // The listed threads are found by key in the `(account_id, thread_key) INCLUDE
    // (latest_at, unread)` index (one scan for the list, whose length no plan knows), and
    // sorted by their latest activity from it, before the page's rows are read: PostgreSQL
    // does not walk the account's threads testing them.
    let (threads, from) = match scope {
        Scope::Listed(_) => (
            format!(
                "WITH top AS MATERIALIZED (
                     SELECT t.thread_key FROM mail_threads t
                      WHERE t.account_id =
                            (SELECT a.id FROM mail_accounts a WHERE a.id = $1 AND a.user_id = $2)
                        AND t.thread_key = ANY((SELECT ${scope_param}::text[])::text[])
                            {unread} {after}
                      ORDER BY t.latest_at DESC, t.thread_key DESC LIMIT {limit})"
            ),
            "top JOIN mail_threads t ON t.thread_key = top.thread_key",
        ),
        Scope::All | Scope::InFolder(_) => (String::new(), "mail_threads t"),
    };
    let folder = match scope {
        Scope::InFolder(_) => format!(
            "AND EXISTS (SELECT 1 FROM mail_message_folders l
                WHERE l.folder_id = (SELECT ${scope_param}) AND l.thread_key = t.thread_key)"
        ),
        Scope::All | Scope::Listed(_) => String::new(),
    };
    let sql = THREADS
        .replace("{threads}", &threads)
        .replace("{from}", from)
        .replace("{folder}", &folder)
        .replace("{unread}", unread)
        .replace("{after}", &after)
        .replace("{limit}", &limit);
    let mut statement = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Uuid, _>(query.account.as_uuid())
        .bind::<Uuid, _>(user.as_uuid());
    match scope {
        Scope::All => {}
        Scope::Listed(keys) => statement = statement.bind::<Array<Text>, _>(keys),
        Scope::InFolder(folder) => statement = statement.bind::<Uuid, _>(folder.as_uuid()),
    }
    if let Some(after) = &query.after {
        statement = statement
            .bind::<Timestamptz, _>(after.latest_at)
            .bind::<Text, _>(after.thread_key.clone());
    }
    let rows: Vec<ThreadRow> = Prepared(statement).load(tx.conn()).await.map_err(store_error)?;
    let found = rows.into_iter().map(|r| r.summary(query.account)).collect::<Result<_, _>>()?;
    Ok(ThreadPage::from_fetched(found, query.limit))
}
