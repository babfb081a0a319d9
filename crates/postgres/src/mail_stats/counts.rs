//! Received messages per hour, read from the hourly rollups, and senders by count, aggregated
//! in one statement.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{MailAccountId, MailFolderId};
use switchboard_domain::mail_stats::TopSender;
use switchboard_ports::{HourlyCount, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{
    mail_account_hours as ah, mail_accounts as a, mail_folder_hours as fh, mail_folders as f,
};

fn count(hour: DateTime<Utc>, messages: i32) -> Option<HourlyCount> {
    Some(HourlyCount { hour, posts: u64::try_from(messages).ok()? })
}

/// The hours of `owner`'s account (or of its `folder`) in `window`, from the rollups the
/// triggers on `mail_messages` and `mail_message_folders` keep: one statement, which returns
/// no row when the account or folder is not theirs and one row of nulls when nothing arrived
/// in the window. Built with the query builder, so each connection prepares it once.
pub(super) async fn hours(
    tx: &mut PgTx,
    owner: UserId,
    account: MailAccountId,
    folder: Option<MailFolderId>,
    window: TimeWindow,
) -> Result<Option<Vec<HourlyCount>>, StoreError> {
    let rows: Vec<Option<(DateTime<Utc>, i32)>> = match folder {
        None => {
            let in_window = ah::account_id
                .eq(a::id)
                .and(ah::hour.ge(window.start))
                .and(ah::hour.lt(window.end));
            a::table
                .left_join(ah::table.on(in_window))
                .filter(a::id.eq(account.as_uuid()))
                .filter(a::user_id.eq(owner.as_uuid()))
                .select((ah::hour, ah::messages).nullable())
                .load(tx.conn())
                .await
        }
        Some(folder) => {
            let in_window =
                fh::folder_id.eq(f::id).and(fh::hour.ge(window.start)).and(fh::hour.lt(window.end));
            f::table
                .inner_join(a::table)
                .left_join(fh::table.on(in_window))
                .filter(f::id.eq(folder.as_uuid()))
                .filter(a::id.eq(account.as_uuid()))
                .filter(a::user_id.eq(owner.as_uuid()))
                .select((fh::hour, fh::messages).nullable())
                .load(tx.conn())
                .await
        }
    }
    .map_err(store_error)?;
    Ok((!rows.is_empty())
        .then(|| rows.into_iter().flatten().filter_map(|(hour, n)| count(hour, n)).collect()))
}

// The name of a sender's latest message that has one, as `top_senders` keeps it.
const TOP_SENDERS: &str = "
SELECT lower(btrim(m.from_address)) AS address,
       coalesce((array_agg(btrim(m.from_name) ORDER BY m.received_at DESC)
                   FILTER (WHERE btrim(coalesce(m.from_name, '')) <> ''))[1], '') AS name,
       count(*) AS messages
  FROM mail_messages m
 WHERE m.account_id = $1
   AND m.received_at >= $2
   AND m.received_at < $3
   AND m.from_address IS NOT NULL
 GROUP BY 1
 ORDER BY count(*) DESC, lower(btrim(m.from_address)) COLLATE \"C\"
 LIMIT $4";

#[derive(diesel::QueryableByName)]
struct SenderRow {
    #[diesel(sql_type = Text)]
    address: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    messages: i64,
}

pub(super) async fn top_senders(
    tx: &mut PgTx,
    account: MailAccountId,
    window: TimeWindow,
    limit: usize,
) -> Result<Vec<TopSender>, StoreError> {
    if window.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<SenderRow> = diesel::sql_query(TOP_SENDERS)
        .bind::<Uuid, _>(account.as_uuid())
        .bind::<Timestamptz, _>(window.start)
        .bind::<Timestamptz, _>(window.end)
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|r| TopSender {
            address: r.address,
            name: r.name,
            messages: u64::try_from(r.messages).unwrap_or(0),
        })
        .collect())
}
