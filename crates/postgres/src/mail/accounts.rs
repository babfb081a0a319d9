//! Linked mail accounts.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Uuid};
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::mail::{MailAccount, MailAccountId, MailAccountStatus};
use switchboard_ports::StoreError;

use super::rows::AccountRow;
use crate::PgTx;
use crate::error::store_error;
use crate::prepared::Prepared;
use crate::schema::{mail_accounts, sealed_secrets};

pub(super) async fn save(
    tx: &mut PgTx,
    account: &MailAccount,
) -> Result<MailAccountId, StoreError> {
    let id: uuid::Uuid = diesel::insert_into(mail_accounts::table)
        .values(AccountRow::from(account))
        .on_conflict((
            mail_accounts::user_id,
            mail_accounts::provider,
            mail_accounts::provider_account_id,
        ))
        .do_update()
        .set((
            mail_accounts::address.eq(excluded(mail_accounts::address)),
            mail_accounts::display_name.eq(excluded(mail_accounts::display_name)),
            mail_accounts::status.eq(excluded(mail_accounts::status)),
            mail_accounts::stored.eq(excluded(mail_accounts::stored)),
            mail_accounts::total.eq(excluded(mail_accounts::total)),
            mail_accounts::last_sync_at.eq(excluded(mail_accounts::last_sync_at)),
            mail_accounts::last_error.eq(excluded(mail_accounts::last_error)),
        ))
        .returning(mail_accounts::id)
        .get_result(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(MailAccountId::from_uuid(id))
}

pub(super) async fn of_user_by_id(
    tx: &mut PgTx,
    user: UserId,
    id: MailAccountId,
) -> Result<Option<MailAccount>, StoreError> {
    let row: Option<AccountRow> = mail_accounts::table
        .find(id.as_uuid())
        .filter(mail_accounts::user_id.eq(user.as_uuid()))
        .select(AccountRow::as_select())
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    row.map(MailAccount::try_from).transpose()
}

pub(super) async fn of_user(tx: &mut PgTx, user: UserId) -> Result<Vec<MailAccount>, StoreError> {
    let rows: Vec<AccountRow> = mail_accounts::table
        .filter(mail_accounts::user_id.eq(user.as_uuid()))
        .order((mail_accounts::created_at, mail_accounts::id))
        .select(AccountRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    rows.into_iter().map(MailAccount::try_from).collect()
}

pub(super) async fn by_id(
    tx: &mut PgTx,
    id: MailAccountId,
    lock: bool,
) -> Result<Option<MailAccount>, StoreError> {
    let select = mail_accounts::table.find(id.as_uuid()).select(AccountRow::as_select());
    let row: Option<AccountRow> = if lock {
        select.for_update().first(tx.conn()).await
    } else {
        select.first(tx.conn()).await
    }
    .optional()
    .map_err(store_error)?;
    row.map(MailAccount::try_from).transpose()
}

pub(super) async fn to_sync(tx: &mut PgTx, limit: u32) -> Result<Vec<MailAccountId>, StoreError> {
    let ids: Vec<uuid::Uuid> = mail_accounts::table
        .filter(mail_accounts::status.ne(MailAccountStatus::ReauthRequired.as_str()))
        .order((mail_accounts::last_sync_at.asc().nulls_first(), mail_accounts::id))
        .limit(i64::from(limit))
        .select(mail_accounts::id)
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(ids.into_iter().map(MailAccountId::from_uuid).collect())
}

pub(super) async fn delete(
    tx: &mut PgTx,
    user: UserId,
    id: MailAccountId,
) -> Result<bool, StoreError> {
    // Folders, messages and their links go with the account (ON DELETE CASCADE); its tokens
    // are the sealed secret with the account's id, in the same transaction.
    let deleted = diesel::delete(
        mail_accounts::table.find(id.as_uuid()).filter(mail_accounts::user_id.eq(user.as_uuid())),
    )
    .execute(tx.conn())
    .await
    .map_err(store_error)?;
    if deleted == 0 {
        return Ok(false);
    }
    diesel::delete(sealed_secrets::table.find(id.as_uuid()))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(true)
}

// The counter of an account: the sum of its shards (no row: 0), one row when the account is
// the user's and none otherwise.
const VERSION: &str = "
SELECT coalesce(sum(v.version), 0)::bigint AS version
  FROM mail_accounts a
  LEFT JOIN mail_versions v ON v.account_id = a.id
 WHERE a.id = $1 AND a.user_id = $2
 GROUP BY a.id";

#[derive(diesel::QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = BigInt)]
    version: i64,
}

/// The counter of `owner`'s account (the sum of the shards the triggers on its messages,
/// hourly counts and folders raise, 0 before its first write): one index range of a few rows, prepared once
/// per connection.
pub(super) async fn version(
    tx: &mut PgTx,
    owner: UserId,
    account: MailAccountId,
) -> Result<Option<u64>, StoreError> {
    let query = diesel::sql_query(VERSION)
        .bind::<Uuid, _>(account.as_uuid())
        .bind::<Uuid, _>(owner.as_uuid());
    let rows: Vec<VersionRow> = Prepared(query).load(tx.conn()).await.map_err(store_error)?;
    // The shards only grow from 1; a negative sum cannot be stored by the triggers.
    Ok(rows.into_iter().next().map(|r| r.version.cast_unsigned()))
}
