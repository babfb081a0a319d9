//! Chat sources.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::chat_sources::{Source, SourceId};
use switchboard_ports::StoreError;

use super::rows::SourceRow;
use crate::PgTx;
use crate::error::{one_row, store_error};
use crate::schema::{chat_channels, chat_post_versions, chat_sources, sealed_secrets};

fn sources(rows: Vec<SourceRow>) -> Result<Vec<Source>, StoreError> {
    rows.into_iter().map(Source::try_from).collect()
}

pub(super) async fn insert(tx: &mut PgTx, source: &Source) -> Result<(), StoreError> {
    diesel::insert_into(chat_sources::table)
        .values(SourceRow::from(source))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(super) async fn by_id(tx: &mut PgTx, id: SourceId) -> Result<Option<Source>, StoreError> {
    let row: Option<SourceRow> = chat_sources::table
        .find(id.as_uuid())
        .select(SourceRow::as_select())
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    row.map(Source::try_from).transpose()
}

pub(super) async fn of_owner(tx: &mut PgTx, owner: UserId) -> Result<Vec<Source>, StoreError> {
    let rows: Vec<SourceRow> = chat_sources::table
        .filter(chat_sources::owner_id.eq(owner.as_uuid()))
        .order((chat_sources::created_at, chat_sources::id))
        .select(SourceRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    sources(rows)
}

pub(super) async fn to_sync(tx: &mut PgTx) -> Result<Vec<SourceId>, StoreError> {
    let ids: Vec<uuid::Uuid> = chat_sources::table
        .filter(chat_sources::status.ne("reauth_required"))
        .order(chat_sources::id)
        .select(chat_sources::id)
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(ids.into_iter().map(SourceId::from_uuid).collect())
}

pub(super) async fn update(tx: &mut PgTx, source: &Source) -> Result<(), StoreError> {
    let row = SourceRow::from(source);
    let updated = diesel::update(chat_sources::table.find(row.id))
        .set((
            chat_sources::status.eq(row.status),
            chat_sources::last_sync_at.eq(row.last_sync_at),
            chat_sources::last_error.eq(row.last_error),
            chat_sources::backfill_done.eq(row.backfill_done),
            chat_sources::backfill_total.eq(row.backfill_total),
            chat_sources::team_id.eq(row.team_id),
            chat_sources::include_direct.eq(row.include_direct),
        ))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    one_row(updated)
}

pub(super) async fn delete(tx: &mut PgTx, id: SourceId) -> Result<(), StoreError> {
    // Each of its channels' turn to write posts first (as a sync writing them takes it, see
    // `posts.rs`), in channel order: a sync writing one finishes before its posts go, and
    // none starts meanwhile. The cascade alone would lock the posts in no particular order
    // against a sync inserting them, and one of the two would die of a deadlock.
    chat_post_versions::table
        .filter(
            chat_post_versions::channel_id.eq_any(
                chat_channels::table
                    .filter(chat_channels::source_id.eq(id.as_uuid()))
                    .select(chat_channels::id),
            ),
        )
        .order(chat_post_versions::channel_id)
        .select(chat_post_versions::channel_id)
        .for_update()
        .load::<uuid::Uuid>(tx.conn())
        .await
        .map_err(store_error)?;
    // Channels and posts go with the source (ON DELETE CASCADE); then its token.
    let secret: Option<uuid::Uuid> = diesel::delete(chat_sources::table.find(id.as_uuid()))
        .returning(chat_sources::token_secret_id)
        .get_result(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    if let Some(secret) = secret {
        diesel::delete(sealed_secrets::table.find(secret))
            .execute(tx.conn())
            .await
            .map_err(store_error)?;
    }
    Ok(())
}
