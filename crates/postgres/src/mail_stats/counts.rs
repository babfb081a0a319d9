//! Received messages per hour or day, summed from the hourly rollups, and senders by count,
//! aggregated in one statement.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::data_types::PgInterval;
use diesel::sql_types::{BigInt, Interval, Nullable, Text, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::mail::{MailAccountId, MailFolderId};
use switchboard_domain::mail_stats::TopSender;
use switchboard_ports::{HourlyCount, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::prepared::Prepared;

// The counts of an account's buckets in a window, summed from its hourly rollup, one row of
// nulls when nothing arrived in it and no row when the account is not the user's. Buckets
// start at multiples of `$1` from the epoch, as the pulse aligns them.
const ACCOUNT_BUCKETS: &str = "
SELECT date_bin($1, h.hour, timestamptz '1970-01-01 00:00:00+00') AS bucket,
       sum(h.messages)::bigint AS messages
  FROM mail_accounts a
  LEFT JOIN mail_account_hours h ON h.account_id = a.id AND h.hour >= $2 AND h.hour < $3
 WHERE a.id = $4 AND a.user_id = $5
 GROUP BY 1";

// The same for a folder of the account, from the folders' rollup.
const FOLDER_BUCKETS: &str = "
SELECT date_bin($1, h.hour, timestamptz '1970-01-01 00:00:00+00') AS bucket,
       sum(h.messages)::bigint AS messages
  FROM mail_folders f
  JOIN mail_accounts a ON a.id = f.account_id
  LEFT JOIN mail_folder_hours h ON h.folder_id = f.id AND h.hour >= $2 AND h.hour < $3
 WHERE f.id = $6 AND a.id = $4 AND a.user_id = $5
 GROUP BY 1";

#[derive(diesel::QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    bucket: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    messages: Option<i64>,
}

/// The buckets of `bucket` of `owner`'s account (or of its `folder`) in `window`, summed from
/// the hourly rollups the triggers on `mail_messages` and `mail_message_folders` keep: one
/// statement, which returns no row when the account or folder is not theirs.
pub(super) async fn received(
    tx: &mut PgTx,
    owner: UserId,
    account: MailAccountId,
    folder: Option<MailFolderId>,
    window: TimeWindow,
    bucket: TimeDelta,
) -> Result<Option<Vec<HourlyCount>>, StoreError> {
    let stride = PgInterval::from_microseconds(bucket.num_microseconds().unwrap_or(i64::MAX));
    let query = |sql| {
        diesel::sql_query(sql)
            .bind::<Interval, _>(stride)
            .bind::<Timestamptz, _>(window.start)
            .bind::<Timestamptz, _>(window.end)
            .bind::<Uuid, _>(account.as_uuid())
            .bind::<Uuid, _>(owner.as_uuid())
    };
    let rows: Vec<BucketRow> = match folder {
        None => Prepared(query(ACCOUNT_BUCKETS)).load(tx.conn()).await,
        Some(folder) => {
            Prepared(query(FOLDER_BUCKETS).bind::<Uuid, _>(folder.as_uuid())).load(tx.conn()).await
        }
    }
    .map_err(store_error)?;
    Ok((!rows.is_empty()).then(|| {
        rows.into_iter()
            .filter_map(|r| {
                let posts = u64::try_from(r.messages?).ok()?;
                Some(HourlyCount { hour: r.bucket?, posts })
            })
            .collect()
    }))
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
    let query = diesel::sql_query(TOP_SENDERS)
        .bind::<Uuid, _>(account.as_uuid())
        .bind::<Timestamptz, _>(window.start)
        .bind::<Timestamptz, _>(window.end)
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX));
    let rows: Vec<SenderRow> = Prepared(query).load(tx.conn()).await.map_err(store_error)?;
    Ok(rows
        .into_iter()
        .map(|r| TopSender {
            address: r.address,
            name: r.name,
            messages: u64::try_from(r.messages).unwrap_or(0),
        })
        .collect())
}
