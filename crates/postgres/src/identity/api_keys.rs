//! API keys.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::identity::{ApiKey, ApiKeyId, User};
use switchboard_ports::{ApiKeyStore, StoreError};

use super::rows::{ApiKeyRow, UserRow};
use crate::PgTx;
use crate::error::store_error;
use crate::schema::{api_keys, users};

fn keys(rows: Vec<ApiKeyRow>) -> Result<Vec<ApiKey>, StoreError> {
    rows.into_iter().map(ApiKey::try_from).collect()
}

impl ApiKeyStore for PgTx {
    async fn insert_api_key(&mut self, key: &ApiKey) -> Result<(), StoreError> {
        diesel::insert_into(api_keys::table)
            .values(ApiKeyRow::from(key))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn api_key_by_prefix(
        &mut self,
        prefix: &str,
    ) -> Result<Option<(ApiKey, User)>, StoreError> {
        let row: Option<(ApiKeyRow, UserRow)> = api_keys::table
            .inner_join(users::table)
            .filter(api_keys::prefix.eq(prefix))
            .select((ApiKeyRow::as_select(), UserRow::as_select()))
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(|(k, u)| Ok((ApiKey::try_from(k)?, User::try_from(u)?))).transpose()
    }

    async fn list_api_keys(&mut self, user: UserId) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<ApiKeyRow> = api_keys::table
            .filter(api_keys::user_id.eq(user.as_uuid()).and(api_keys::revoked_at.is_null()))
            .order((api_keys::created_at.desc(), api_keys::id.desc()))
            .select(ApiKeyRow::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        keys(rows)
    }

    async fn revoke_api_key(
        &mut self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiKey>, StoreError> {
        let rows: Vec<ApiKeyRow> = diesel::update(
            api_keys::table
                .find(id.as_uuid())
                .filter(api_keys::user_id.eq(user.as_uuid()).and(api_keys::revoked_at.is_null())),
        )
        .set(api_keys::revoked_at.eq(now))
        .returning(ApiKeyRow::as_returning())
        .get_results(self.conn())
        .await
        .map_err(store_error)?;
        Ok(keys(rows)?.into_iter().next())
    }

    async fn revoke_user_api_keys(
        &mut self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let rows: Vec<ApiKeyRow> = diesel::update(
            api_keys::table
                .filter(api_keys::user_id.eq(user.as_uuid()).and(api_keys::revoked_at.is_null())),
        )
        .set(api_keys::revoked_at.eq(now))
        .returning(ApiKeyRow::as_returning())
        .get_results(self.conn())
        .await
        .map_err(store_error)?;
        keys(rows)
    }

    async fn touch_api_key(&mut self, id: ApiKeyId, now: DateTime<Utc>) -> Result<(), StoreError> {
        let a_minute_ago = now - chrono::Duration::minutes(1);
        diesel::update(
            api_keys::table.find(id.as_uuid()).filter(
                api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(a_minute_ago)),
            ),
        )
        .set(api_keys::last_used_at.eq(now))
        .execute(self.conn())
        .await
        .map_err(store_error)?;
        Ok(())
    }
}
