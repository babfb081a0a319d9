//! Channels.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_sources::{Channel, ChannelId, SourceId, SourceStatus};
use switchboard_ports::StoreError;

use super::rows::ChannelRow;
use crate::PgTx;
use crate::error::{one_row, store_error};
use crate::schema::{chat_channels, chat_sources};

pub(super) async fn insert(tx: &mut PgTx, channels: &[Channel]) -> Result<(), StoreError> {
    if channels.is_empty() {
        return Ok(());
    }
    let rows: Vec<ChannelRow> = channels.iter().map(ChannelRow::from).collect();
    diesel::insert_into(chat_channels::table)
        .values(&rows)
        .on_conflict((chat_channels::source_id, chat_channels::external_id))
        .do_nothing()
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(super) async fn by_id(tx: &mut PgTx, id: ChannelId) -> Result<Option<Channel>, StoreError> {
    let row: Option<ChannelRow> = chat_channels::table
        .find(id.as_uuid())
        .select(ChannelRow::as_select())
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    Ok(row.map(Into::into))
}

pub(super) async fn of_source(tx: &mut PgTx, source: SourceId) -> Result<Vec<Channel>, StoreError> {
    let rows: Vec<ChannelRow> = chat_channels::table
        .filter(chat_channels::source_id.eq(source.as_uuid()))
        .order((chat_channels::name, chat_channels::id))
        .select(ChannelRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn of_owner(tx: &mut PgTx, owner: UserId) -> Result<Vec<Channel>, StoreError> {
    let rows: Vec<ChannelRow> = chat_channels::table
        .filter(chat_channels::owner_id.eq(owner.as_uuid()))
        .order((chat_channels::name, chat_channels::id))
        .select(ChannelRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn update(tx: &mut PgTx, channel: &Channel) -> Result<(), StoreError> {
    let updated = diesel::update(chat_channels::table.find(channel.id.as_uuid()))
        .set((
            chat_channels::name.eq(&channel.name),
            chat_channels::followed.eq(channel.followed),
            chat_channels::include_bots.eq(channel.include_bots),
            chat_channels::synced_until.eq(channel.synced_until),
        ))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    one_row(updated)
}

/// Sets the name alone (one column: a settings change committed meanwhile stays).
pub(super) async fn rename(tx: &mut PgTx, id: ChannelId, name: &str) -> Result<(), StoreError> {
    let updated = diesel::update(chat_channels::table.find(id.as_uuid()))
        .set(chat_channels::name.eq(name))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    one_row(updated)
}

/// Sets since when the channel is unreadable alone (one column, as [`rename`]).
pub(super) async fn set_unreadable(
    tx: &mut PgTx,
    id: ChannelId,
    since: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let updated = diesel::update(chat_channels::table.find(id.as_uuid()))
        .set(chat_channels::unreadable_since.eq(since))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    one_row(updated)
}

pub(super) async fn following(
    tx: &mut PgTx,
    provider: ChatProvider,
    team_id: &str,
    channel: &str,
) -> Result<Vec<Channel>, StoreError> {
    let rows: Vec<ChannelRow> = chat_channels::table
        .inner_join(chat_sources::table)
        .filter(chat_channels::external_id.eq(channel))
        .filter(chat_channels::followed.eq(true))
        .filter(chat_sources::provider.eq(provider.to_string()))
        .filter(chat_sources::team_id.eq(team_id))
        .filter(chat_sources::status.ne(SourceStatus::ReauthRequired.as_str()))
        .order(chat_channels::id)
        .select(ChannelRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(rows.into_iter().map(Into::into).collect())
}
