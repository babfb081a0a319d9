//! Hourly post counts from the rollup (at most one row per hour of the window), and the
//! counter that tells whether a channel's posts changed.
//!
//! Written with the query builder rather than `sql_query`: diesel never caches a `sql_query`'s
//! prepared statement, and these run on every pulse request, where parsing and planning the
//! statement again cost more than executing it.

use chrono::{DateTime, Utc};
use diesel::dsl::sum;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::analytics::TimeWindow;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_ports::{HourlyCount, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{chat_channels as c, chat_post_hours as h, chat_post_versions as v};

fn count(hour: DateTime<Utc>, posts: i64) -> Option<HourlyCount> {
    Some(HourlyCount { hour, posts: u64::try_from(posts).ok()? })
}

/// The channel's hours in `window` if it is `owner`'s: one statement, which returns no row
/// when the channel is not theirs and one row of nulls when it has no post in the window.
pub(super) async fn of_channel(
    tx: &mut PgTx,
    owner: UserId,
    channel: ChannelId,
    window: TimeWindow,
) -> Result<Option<Vec<HourlyCount>>, StoreError> {
    let in_window =
        h::channel_id.eq(c::id).and(h::hour.ge(window.start)).and(h::hour.lt(window.end));
    let rows: Vec<Option<(DateTime<Utc>, i32)>> = c::table
        .left_join(h::table.on(in_window))
        .filter(c::id.eq(channel.as_uuid()))
        .filter(c::owner_id.eq(owner.as_uuid()))
        .select((h::hour, h::posts).nullable())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok((!rows.is_empty()).then(|| {
        rows.into_iter().flatten().filter_map(|(hour, n)| count(hour, n.into())).collect()
    }))
}

/// The hours in `window` of all of `owner`'s followed channels, summed.
pub(super) async fn of_followed(
    tx: &mut PgTx,
    owner: UserId,
    window: TimeWindow,
) -> Result<Vec<HourlyCount>, StoreError> {
    let rows: Vec<(DateTime<Utc>, Option<i64>)> = h::table
        .inner_join(c::table)
        .filter(c::owner_id.eq(owner.as_uuid()))
        .filter(c::followed)
        .filter(h::hour.ge(window.start))
        .filter(h::hour.lt(window.end))
        .group_by(h::hour)
        .select((h::hour, sum(h::posts)))
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows.into_iter().filter_map(|(hour, n)| count(hour, n?)).collect())
}

/// The counter of `owner`'s channel (raised by the triggers on `chat_posts`, 0 before its
/// first write): one primary-key read of each table.
pub(super) async fn version(
    tx: &mut PgTx,
    owner: UserId,
    channel: ChannelId,
) -> Result<Option<u64>, StoreError> {
    let found: Option<Option<i64>> = c::table
        .left_join(v::table)
        .filter(c::id.eq(channel.as_uuid()))
        .filter(c::owner_id.eq(owner.as_uuid()))
        .select(v::version.nullable())
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    // The counter only grows from 1; a negative one cannot be stored by the triggers.
    Ok(found.map(|version| version.map_or(0, |n| n.cast_unsigned())))
}
