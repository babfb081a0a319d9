//! Stored channel statistics: one row per channel, replaced by later computations only.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_domain::chat_stats::{ChannelStats, Quote, WindowStats};
use switchboard_ports::StoreError;

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{chat_channel_stats, chat_channels};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_channel_stats)]
struct StatsRow {
    channel_id: uuid::Uuid,
    window_end: DateTime<Utc>,
    computed_at: DateTime<Utc>,
    posts: i32,
    most_active: Vec<String>,
    hot_topics: Vec<String>,
    representative: serde_json::Value,
    summary: String,
}

impl StatsRow {
    fn new(s: &ChannelStats) -> Result<Self, StoreError> {
        Ok(Self {
            channel_id: s.channel_id.as_uuid(),
            window_end: s.window_end,
            computed_at: s.computed_at,
            posts: i32::try_from(s.stats.posts).unwrap_or(i32::MAX),
            most_active: s.stats.most_active.clone(),
            hot_topics: s.stats.hot_topics.clone(),
            representative: serde_json::to_value(&s.stats.representative)
                .map_err(|e| StoreError::Other(e.to_string()))?,
            summary: s.stats.summary.clone(),
        })
    }

    fn into_stats(self) -> Result<ChannelStats, StoreError> {
        let representative: Vec<Quote> = serde_json::from_value(self.representative)
            .map_err(|e| StoreError::Other(format!("chat_channel_stats.representative: {e}")))?;
        Ok(ChannelStats {
            channel_id: ChannelId::from_uuid(self.channel_id),
            window_end: self.window_end,
            computed_at: self.computed_at,
            stats: WindowStats {
                posts: u32::try_from(self.posts).unwrap_or(0),
                most_active: self.most_active,
                hot_topics: self.hot_topics,
                representative,
                summary: self.summary,
            },
        })
    }
}

pub(super) async fn of_channel(
    tx: &mut PgTx,
    owner: UserId,
    channel: ChannelId,
) -> Result<Option<Option<ChannelStats>>, StoreError> {
    let found: Option<(uuid::Uuid, Option<StatsRow>)> = chat_channels::table
        .left_join(chat_channel_stats::table)
        .filter(chat_channels::id.eq(channel.as_uuid()))
        .filter(chat_channels::owner_id.eq(owner.as_uuid()))
        .select((chat_channels::id, Option::<StatsRow>::as_select()))
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    found.map(|(_, row)| row.map(StatsRow::into_stats).transpose()).transpose()
}

pub(super) async fn save(tx: &mut PgTx, stats: &[ChannelStats]) -> Result<(), StoreError> {
    // One statement may not touch a row twice: the latest window of each channel.
    let mut latest: BTreeMap<ChannelId, &ChannelStats> = BTreeMap::new();
    for s in stats {
        let newer = latest.get(&s.channel_id).is_none_or(|kept| kept.window_end <= s.window_end);
        if newer {
            latest.insert(s.channel_id, s);
        }
    }
    let ids: Vec<uuid::Uuid> = latest.keys().map(ChannelId::as_uuid).collect();
    if ids.is_empty() {
        return Ok(());
    }
    // Channels deleted meanwhile are skipped; those still here cannot go before the commit.
    let present: Vec<uuid::Uuid> = chat_channels::table
        .filter(chat_channels::id.eq_any(&ids))
        .select(chat_channels::id)
        .order(chat_channels::id)
        .for_key_share()
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    let rows = present
        .into_iter()
        .filter_map(|id| latest.get(&ChannelId::from_uuid(id)).map(|s| StatsRow::new(s)))
        .collect::<Result<Vec<_>, _>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    upsert(tx, &rows).await
}

/// Inserts or replaces rows, unless the stored row's window ends later.
async fn upsert(tx: &mut PgTx, rows: &[StatsRow]) -> Result<(), StoreError> {
    use chat_channel_stats as s;
    // `ON CONFLICT … DO UPDATE … WHERE`: an upsert's filter is not `QueryDsl::filter`.
    use diesel::query_dsl::methods::FilterDsl;
    diesel::insert_into(s::table)
        .values(rows)
        .on_conflict(s::channel_id)
        .do_update()
        .set((
            s::window_end.eq(excluded(s::window_end)),
            s::computed_at.eq(excluded(s::computed_at)),
            s::posts.eq(excluded(s::posts)),
            s::most_active.eq(excluded(s::most_active)),
            s::hot_topics.eq(excluded(s::hot_topics)),
            s::representative.eq(excluded(s::representative)),
            s::summary.eq(excluded(s::summary)),
        ))
        .filter(s::window_end.le(excluded(s::window_end)))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}

const STALE: &str = "
SELECT s.channel_id
  FROM chat_channel_stats s
 WHERE s.window_end < $1
   AND EXISTS (SELECT 1 FROM chat_posts p
                WHERE p.channel_id = s.channel_id
                  AND p.posted_at >= s.window_end - $2 * interval '1 second')
 ORDER BY s.window_end
 LIMIT $3";

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    channel_id: uuid::Uuid,
}

pub(super) async fn stale(
    tx: &mut PgTx,
    ended_before: DateTime<Utc>,
    lookback: TimeDelta,
    limit: usize,
) -> Result<Vec<ChannelId>, StoreError> {
    let rows: Vec<IdRow> = diesel::sql_query(STALE)
        .bind::<Timestamptz, _>(ended_before)
        .bind::<BigInt, _>(lookback.num_seconds())
        .bind::<BigInt, _>(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows.into_iter().map(|r| ChannelId::from_uuid(r.channel_id)).collect())
}
