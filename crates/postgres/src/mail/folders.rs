//! Folders and labels of linked mailboxes.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::mail::{MailFolder, MailFolderId};
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
