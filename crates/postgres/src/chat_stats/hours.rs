//! Hourly post counts from the rollup: at most one row per hour of the window.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Timestamptz, Uuid};
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::{HourlyCount, StoreError};

use crate::PgTx;
use crate::error::store_error;

/// The channel, if it is the owner's, with its hours: no row when it is not, one row with
/// nulls when it has no post in the window.
const OF_CHANNEL: &str = "
SELECT h.hour, h.posts::bigint AS posts
  FROM chat_channels c
  LEFT JOIN chat_post_hours h ON h.channel_id = c.id AND h.hour >= $3 AND h.hour < $4
 WHERE c.id = $1 AND c.owner_id = $2";

const OF_FOLLOWED: &str = "
SELECT h.hour, sum(h.posts)::bigint AS posts
  FROM chat_channels c
  JOIN chat_post_hours h ON h.channel_id = c.id AND h.hour >= $2 AND h.hour < $3
 WHERE c.owner_id = $1 AND c.followed
 GROUP BY h.hour";

#[derive(diesel::QueryableByName)]
struct HourRow {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    hour: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    posts: Option<i64>,
}

fn counts(rows: Vec<HourRow>) -> Vec<HourlyCount> {
    rows.into_iter()
        .filter_map(|r| {
            let posts = u64::try_from(r.posts?).ok()?;
            Some(HourlyCount { hour: r.hour?, posts })
        })
        .collect()
}

pub(super) async fn of_channel(
    tx: &mut PgTx,
    owner: UserId,
    channel: ChannelId,
    window: TimeWindow,
) -> Result<Option<Vec<HourlyCount>>, StoreError> {
    let rows: Vec<HourRow> = diesel::sql_query(OF_CHANNEL)
        .bind::<Uuid, _>(channel.as_uuid())
        .bind::<Uuid, _>(owner.as_uuid())
        .bind::<Timestamptz, _>(window.start)
        .bind::<Timestamptz, _>(window.end)
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok((!rows.is_empty()).then(|| counts(rows)))
}

pub(super) async fn of_followed(
    tx: &mut PgTx,
    owner: UserId,
    window: TimeWindow,
) -> Result<Vec<HourlyCount>, StoreError> {
    let rows: Vec<HourRow> = diesel::sql_query(OF_FOLLOWED)
        .bind::<Uuid, _>(owner.as_uuid())
        .bind::<Timestamptz, _>(window.start)
        .bind::<Timestamptz, _>(window.end)
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(counts(rows))
}
