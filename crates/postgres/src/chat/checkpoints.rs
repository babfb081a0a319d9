//! Backfill checkpoints: where a channel's backfill cut short resumes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::chat_sources::{BackfillCheckpoint, ChannelId};
use switchboard_ports::StoreError;

use crate::PgTx;
use crate::error::store_error;
use crate::schema::chat_backfill_checkpoints as checkpoints;

pub(super) async fn get(
    tx: &mut PgTx,
    channel: ChannelId,
) -> Result<Option<BackfillCheckpoint>, StoreError> {
    let row: Option<(DateTime<Utc>, String, DateTime<Utc>)> = checkpoints::table
        .find(channel.as_uuid())
        .select((checkpoints::oldest, checkpoints::page_cursor, checkpoints::listed_down_to))
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    Ok(row.map(|(oldest, cursor, listed_down_to)| BackfillCheckpoint {
        oldest,
        cursor,
        listed_down_to,
    }))
}

pub(super) async fn set(
    tx: &mut PgTx,
    channel: ChannelId,
    checkpoint: Option<&BackfillCheckpoint>,
) -> Result<(), StoreError> {
    let Some(checkpoint) = checkpoint else {
        diesel::delete(checkpoints::table.find(channel.as_uuid()))
            .execute(tx.conn())
            .await
            .map_err(store_error)?;
        return Ok(());
    };
    diesel::insert_into(checkpoints::table)
        .values((
            checkpoints::channel_id.eq(channel.as_uuid()),
            checkpoints::oldest.eq(checkpoint.oldest),
            checkpoints::page_cursor.eq(&checkpoint.cursor),
            checkpoints::listed_down_to.eq(checkpoint.listed_down_to),
        ))
        .on_conflict(checkpoints::channel_id)
        .do_update()
        .set((
            checkpoints::oldest.eq(excluded(checkpoints::oldest)),
            checkpoints::page_cursor.eq(excluded(checkpoints::page_cursor)),
            checkpoints::listed_down_to.eq(excluded(checkpoints::listed_down_to)),
            checkpoints::updated_at.eq(diesel::dsl::now),
        ))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}
