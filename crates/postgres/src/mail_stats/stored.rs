//! Stored mail analytics: an account's top senders, threads' summaries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::mail::MailAccountId;
use switchboard_domain::mail_stats::{SummarizedThread, ThreadSentence, TopSender};
use switchboard_ports::{MailAccountStats, StoreError, StoredThreadSummary, ThreadVersion};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{mail_account_stats, mail_accounts, mail_thread_summaries, mail_threads};

fn encoding(e: &serde_json::Error) -> StoreError {
    StoreError::Other(e.to_string())
}

fn decoding(column: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Other(format!("{column}: {e}"))
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_account_stats)]
struct StatsRow {
    account_id: uuid::Uuid,
    window_end: DateTime<Utc>,
    computed_at: DateTime<Utc>,
    top_senders: serde_json::Value,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_thread_summaries)]
struct SummaryRow {
    account_id: uuid::Uuid,
    thread_key: String,
    fingerprint: i64,
    messages: i32,
    sentences: serde_json::Value,
    version: i64,
}

/// A 64-bit value kept in a signed column, bit for bit.
fn to_column(value: u64) -> i64 {
    i64::from_ne_bytes(value.to_ne_bytes())
}

/// A 64-bit value read back from a signed column.
fn from_column(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes())
}

/// Whether the account still exists, locked against deletion until the commit.
async fn present(tx: &mut PgTx, account: MailAccountId) -> Result<bool, StoreError> {
    let found: Option<uuid::Uuid> = mail_accounts::table
        .filter(mail_accounts::id.eq(account.as_uuid()))
        .select(mail_accounts::id)
        .for_key_share()
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    Ok(found.is_some())
}

pub(super) async fn account_stats(
    tx: &mut PgTx,
    owner: UserId,
    account: MailAccountId,
) -> Result<Option<Option<MailAccountStats>>, StoreError> {
    // The account with its stats, if any: the ownership check and the read in one statement.
    let found: Option<Option<StatsRow>> = mail_accounts::table
        .left_join(mail_account_stats::table)
        .filter(mail_accounts::id.eq(account.as_uuid()))
        .filter(mail_accounts::user_id.eq(owner.as_uuid()))
        .select(Option::<StatsRow>::as_select())
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    let decode = |r: StatsRow| {
        let top_senders: Vec<TopSender> = serde_json::from_value(r.top_senders)
            .map_err(decoding("mail_account_stats.top_senders"))?;
        Ok(MailAccountStats {
            account_id: MailAccountId::from_uuid(r.account_id),
            window_end: r.window_end,
            computed_at: r.computed_at,
            top_senders,
        })
    };
    found.map(|row| row.map(decode).transpose()).transpose()
}

pub(super) async fn save_account_stats(
    tx: &mut PgTx,
    stats: &MailAccountStats,
) -> Result<(), StoreError> {
    use diesel::query_dsl::methods::FilterDsl;
    use mail_account_stats as s;
    if !present(tx, stats.account_id).await? {
        return Ok(());
    }
    let row = StatsRow {
        account_id: stats.account_id.as_uuid(),
        window_end: stats.window_end,
        computed_at: stats.computed_at,
        top_senders: serde_json::to_value(&stats.top_senders).map_err(|e| encoding(&e))?,
    };
    diesel::insert_into(s::table)
        .values(&row)
        .on_conflict(s::account_id)
        .do_update()
        .set((
            s::window_end.eq(excluded(s::window_end)),
            s::computed_at.eq(excluded(s::computed_at)),
            s::top_senders.eq(excluded(s::top_senders)),
        ))
        .filter(s::window_end.le(excluded(s::window_end)))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(super) async fn thread_version(
    tx: &mut PgTx,
    owner: UserId,
    account: Option<MailAccountId>,
    thread_key: &str,
) -> Result<Option<(MailAccountId, ThreadVersion)>, StoreError> {
    // Not boxed: a boxed query is never kept prepared, and this one runs on every summary
    // request, where parsing and planning it again cost more than executing it.
    let query = mail_threads::table
        .inner_join(mail_accounts::table.on(mail_accounts::id.eq(mail_threads::account_id)))
        .filter(mail_accounts::user_id.eq(owner.as_uuid()))
        .filter(mail_threads::thread_key.eq(thread_key))
        .order((mail_threads::latest_at.desc(), mail_threads::account_id.desc()))
        .select((mail_threads::account_id, mail_threads::version));
    let found: Option<(uuid::Uuid, i64)> = match account {
        Some(account) => {
            query.filter(mail_threads::account_id.eq(account.as_uuid())).first(tx.conn()).await
        }
        None => query.first(tx.conn()).await,
    }
    .optional()
    .map_err(store_error)?;
    Ok(found
        .map(|(id, version)| (MailAccountId::from_uuid(id), ThreadVersion(from_column(version)))))
}

pub(super) async fn thread_summary(
    tx: &mut PgTx,
    account: MailAccountId,
    thread_key: &str,
) -> Result<Option<StoredThreadSummary>, StoreError> {
    let row: Option<SummaryRow> = mail_thread_summaries::table
        .filter(mail_thread_summaries::account_id.eq(account.as_uuid()))
        .filter(mail_thread_summaries::thread_key.eq(thread_key))
        .select(SummaryRow::as_select())
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    row.map(|r| {
        let sentences: Vec<ThreadSentence> = serde_json::from_value(r.sentences)
            .map_err(decoding("mail_thread_summaries.sentences"))?;
        let summary = SummarizedThread {
            fingerprint: from_column(r.fingerprint),
            messages: u32::try_from(r.messages).unwrap_or(0),
            sentences,
        };
        Ok(StoredThreadSummary { summary, version: ThreadVersion(from_column(r.version)) })
    })
    .transpose()
}

pub(super) async fn save_thread_summary(
    tx: &mut PgTx,
    account: MailAccountId,
    thread_key: &str,
    stored: &StoredThreadSummary,
) -> Result<(), StoreError> {
    use mail_thread_summaries as s;
    if !present(tx, account).await? {
        return Ok(());
    }
    let summary = &stored.summary;
    let row = SummaryRow {
        account_id: account.as_uuid(),
        thread_key: thread_key.to_owned(),
        fingerprint: to_column(summary.fingerprint),
        messages: i32::try_from(summary.messages).unwrap_or(i32::MAX),
        sentences: serde_json::to_value(&summary.sentences).map_err(|e| encoding(&e))?,
        version: to_column(stored.version.0),
    };
    diesel::insert_into(s::table)
        .values(&row)
        .on_conflict((s::account_id, s::thread_key))
        .do_update()
        .set((
            s::fingerprint.eq(excluded(s::fingerprint)),
            s::messages.eq(excluded(s::messages)),
            s::sentences.eq(excluded(s::sentences)),
            s::version.eq(excluded(s::version)),
        ))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}
