//! Folders and labels of linked mailboxes.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::mail::{MailAccountId, MailFolder, MailFolderId, tree_order};
use switchboard_ports::StoreError;

use super::rows::FolderRow;
use crate::PgTx;
use crate::error::store_error;
use crate::schema::mail_folders;

/// Rows per statement: PostgreSQL takes at most 65 535 bind parameters (10 per folder).
const CHUNK: usize = 5_000;

pub(super) async fn upsert(
    tx: &mut PgTx,
    folders: &[MailFolder],
) -> Result<Vec<MailFolder>, StoreError> {
    let mut ids: HashMap<(uuid::Uuid, String), uuid::Uuid> = HashMap::new();
    let unique = super::last_of(folders, |f| (f.account_id, f.provider_id.as_str()));
    for chunk in unique.chunks(CHUNK) {
        let rows: Vec<FolderRow> = chunk.iter().map(|f| FolderRow::from(*f)).collect();
        let stored: Vec<(uuid::Uuid, uuid::Uuid, String)> =
            diesel::insert_into(mail_folders::table)
                .values(rows)
                .on_conflict((mail_folders::account_id, mail_folders::provider_id))
                .do_update()
                .set((
                    mail_folders::parent_id.eq(excluded(mail_folders::parent_id)),
                    mail_folders::name.eq(excluded(mail_folders::name)),
                    mail_folders::kind.eq(excluded(mail_folders::kind)),
                    mail_folders::role.eq(excluded(mail_folders::role)),
                    mail_folders::total.eq(excluded(mail_folders::total)),
                    mail_folders::unread.eq(excluded(mail_folders::unread)),
                    mail_folders::sync_cursor.eq(excluded(mail_folders::sync_cursor)),
                ))
                .returning((mail_folders::id, mail_folders::account_id, mail_folders::provider_id))
                .get_results(tx.conn())
                .await
                .map_err(store_error)?;
        ids.extend(stored.into_iter().map(|(id, account, provider)| ((account, provider), id)));
    }
    let saved = folders.iter().map(|f| {
        let key = (f.account_id.as_uuid(), f.provider_id.clone());
        let id = ids.get(&key).map_or(f.id, |id| MailFolderId::from_uuid(*id));
        MailFolder { id, ..f.clone() }
    });
    Ok(saved.collect())
}

pub(super) async fn of_account(
    tx: &mut PgTx,
    account: MailAccountId,
) -> Result<Vec<MailFolder>, StoreError> {
    let rows: Vec<FolderRow> = mail_folders::table
        .filter(mail_folders::account_id.eq(account.as_uuid()))
        .select(FolderRow::as_select())
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    let folders = rows.into_iter().map(MailFolder::try_from).collect::<Result<_, _>>()?;
    // A mailbox has tens of folders: ordering the tree here is simpler than a recursive CTE.
    Ok(tree_order(folders))
}

pub(super) async fn set_cursor(
    tx: &mut PgTx,
    folder: MailFolderId,
    cursor: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(mail_folders::table.find(folder.as_uuid()))
        .set(mail_folders::sync_cursor.eq(cursor))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(super) async fn retain(
    tx: &mut PgTx,
    account: MailAccountId,
    keep: &[String],
) -> Result<u64, StoreError> {
    // Their links to messages go with them (ON DELETE CASCADE).
    let deleted = diesel::delete(
        mail_folders::table
            .filter(mail_folders::account_id.eq(account.as_uuid()))
            .filter(mail_folders::provider_id.ne_all(keep)),
    )
    .execute(tx.conn())
    .await
    .map_err(store_error)?;
    Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
}
