//! Received messages per hour and senders by count, aggregated in one statement each.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{MailAccountId, MailFolderId};
use switchboard_domain::mail_stats::TopSender;
use switchboard_ports::{HourlyCount, StoreError};

use crate::PgTx;
use crate::error::store_error;

// The hour is computed from the epoch, not with `date_trunc`, which follows the session's
// time zone. Messages of the hour holding the window's start are read, then left out by
// the caller's filter on the hour, as the memory store does.
const HOURS: &str = "
SELECT to_timestamp(floor(extract(epoch FROM m.received_at) / 3600) * 3600) AS hour,
       count(*) AS messages
  FROM mail_messages m
 WHERE m.account_id = $1
   AND m.received_at >= $2 - interval '1 hour'
   AND m.received_at < $3
   AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM mail_message_folders f
                                     WHERE f.message_id = m.id AND f.folder_id = $4))
 GROUP BY 1";

#[derive(diesel::QueryableByName)]
struct HourRow {
    #[diesel(sql_type = Timestamptz)]
    hour: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    messages: i64,
}

pub(super) async fn hours(
    tx: &mut PgTx,
    account: MailAccountId,
    folder: Option<MailFolderId>,
    window: TimeWindow,
) -> Result<Vec<HourlyCount>, StoreError> {
    if window.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<HourRow> = diesel::sql_query(HOURS)
        .bind::<Uuid, _>(account.as_uuid())
        .bind::<Timestamptz, _>(window.start)
        .bind::<Timestamptz, _>(window.end)
        .bind::<Nullable<Uuid>, _>(folder.map(|f| f.as_uuid()))
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows
        .into_iter()
        .filter(|r| window.contains(r.hour))
        .map(|r| HourlyCount { hour: r.hour, posts: u64::try_from(r.messages).unwrap_or(0) })
        .collect())
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
