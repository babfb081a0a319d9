//! Sealed secrets.

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_ports::{SealedSecret, SealedSecretStore, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::sealed_secrets;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = sealed_secrets)]
struct SealedRow {
    id: uuid::Uuid,
    owner_id: Option<uuid::Uuid>,
    purpose: String,
    key_id: String,
    ciphertext: Vec<u8>,
}

impl From<SealedRow> for SealedSecret {
    fn from(r: SealedRow) -> Self {
        SealedSecret {
            id: r.id,
            owner_id: r.owner_id.map(UserId::from_uuid),
            purpose: r.purpose,
            key_id: r.key_id,
            ciphertext: r.ciphertext,
        }
    }
}

impl SealedSecretStore for PgTx {
    async fn put_sealed(&mut self, s: &SealedSecret) -> Result<(), StoreError> {
        let row = SealedRow {
            id: s.id,
            owner_id: s.owner_id.map(|u| u.as_uuid()),
            purpose: s.purpose.clone(),
            key_id: s.key_id.clone(),
            ciphertext: s.ciphertext.clone(),
        };
        diesel::insert_into(sealed_secrets::table)
            .values(&row)
            .on_conflict(sealed_secrets::id)
            .do_update()
            .set((
                sealed_secrets::key_id.eq(excluded(sealed_secrets::key_id)),
                sealed_secrets::ciphertext.eq(excluded(sealed_secrets::ciphertext)),
            ))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn sealed(&mut self, id: uuid::Uuid) -> Result<Option<SealedSecret>, StoreError> {
        let row: Option<SealedRow> = sealed_secrets::table
            .find(id)
            .select(SealedRow::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(Into::into))
    }

    async fn sealed_not_under(
        &mut self,
        key_id: &str,
        limit: u32,
    ) -> Result<Vec<SealedSecret>, StoreError> {
        let rows: Vec<SealedRow> = sealed_secrets::table
            .filter(sealed_secrets::key_id.ne(key_id))
            .order(sealed_secrets::id)
            .limit(i64::from(limit))
            .for_update()
            .skip_locked()
            .select(SealedRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
