//! An account's threads: one statement reads a page of the account's thread rows
//! (`mail_threads`, kept by triggers on `mail_messages` with each thread's counts, latest
//! message and senders) along their time index. A folder's threads are read along the
//! folder's own index of them (`mail_folder_threads`, kept by triggers on the folder's links
//! and on the threads' latest activity), each joined to its thread's row.
//!
//! Written as SQL text so its optional filters stay fixed fragments joined into it (every
//! value is bound), and [`Prepared`] once per connection.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Integer, Jsonb, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::mail::{MailAccountId, ThreadPage, ThreadQuery, ThreadSummary};
use switchboard_ports::StoreError;

use crate::PgTx;
use crate::error::store_error;
use crate::page_plan::page_rows;
use crate::prepared::Prepared;

/// A page of threads, newest activity first: `{from}` and `{scope}` are the account's threads
/// or a folder's, `{by}` the table whose time and key order them (the folder's index of its
/// threads carries each thread's latest activity), `{unread}` and `{after}` narrow and start
/// the page. The account and the folder are subqueries (InitPlans), so the page is planned
/// once per connection (see `page_plan.rs`).
const THREADS: &str = "
SELECT t.thread_key, {by}.latest_at, t.messages, t.unread, t.subject, t.snippet, t.senders
  FROM {from}
 WHERE {scope}
   {unread}
   {after}
 ORDER BY {by}.latest_at DESC, {by}.thread_key DESC
 LIMIT {limit}";

/// The account's, if `$2`'s.
const ACCOUNT: &str = "(SELECT a.id FROM mail_accounts a WHERE a.id = $1 AND a.user_id = $2)";

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

pub(super) async fn page(
    tx: &mut PgTx,
    user: UserId,
    query: &ThreadQuery,
) -> Result<ThreadPage, StoreError> {
    // Parameters $1 and $2 are fixed, the folder's is $3; the cursor's follow.
    let (from, scope, by) = match query.folder {
        None => ("mail_threads t", format!("t.account_id = {ACCOUNT}"), "t"),
        // The folder's entries are read from their index alone (the account is the page's,
        // not each entry's), then each thread's row by its key.
        Some(_) => (
            "mail_folder_threads o JOIN mail_threads t ON t.thread_key = o.thread_key",
            format!(
                "o.folder_id = (SELECT f.id FROM mail_folders f
                                 WHERE f.id = $3 AND f.account_id = {ACCOUNT})
                 AND t.account_id = {ACCOUNT}"
            ),
            "o",
        ),
    };
    // Written as a literal, so the account's threads with unread mail are read from their own
    // index.
    let unread = match query.unread {
        Some(true) => "AND t.unread > 0",
        Some(false) => "AND t.unread = 0",
        None => "",
    };
    let after = match query.after {
        Some(_) => {
            let at = if query.folder.is_some() { 4 } else { 3 };
            let key = at + 1;
            format!("AND ({by}.latest_at, {by}.thread_key) < (SELECT ${at}, ${key})")
        }
        None => String::new(),
    };
    let sql = THREADS
        .replace("{from}", from)
        .replace("{scope}", &scope)
        .replace("{by}", by)
        .replace("{unread}", unread)
        .replace("{after}", &after)
        .replace("{limit}", &page_rows(query.limit).to_string());
    let mut statement = diesel::sql_query(sql)
        .into_boxed()
        .bind::<Uuid, _>(query.account.as_uuid())
        .bind::<Uuid, _>(user.as_uuid());
    if let Some(folder) = query.folder {
        statement = statement.bind::<Uuid, _>(folder.as_uuid());
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
