//! Throttle windows: one atomic upsert per hit, so every server process shares the counts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use switchboard_ports::{StoreError, ThrottleStore, ThrottleWindow};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::throttles;

#[derive(QueryableByName, Queryable)]
struct WindowRow {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Timestamptz)]
    resets_at: DateTime<Utc>,
}

impl From<WindowRow> for ThrottleWindow {
    fn from(r: WindowRow) -> Self {
        ThrottleWindow { hits: u32::try_from(r.hits).unwrap_or_default(), resets_at: r.resets_at }
    }
}

impl ThrottleStore for PgTx {
    async fn throttle_hit(
        &mut self,
        bucket: &str,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<ThrottleWindow, StoreError> {
        let window = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::days(365));
        let row: WindowRow = diesel::sql_query(
            "INSERT INTO throttles (bucket, hits, resets_at) VALUES ($1, 1, $3)
             ON CONFLICT (bucket) DO UPDATE SET
               hits = CASE WHEN throttles.resets_at <= $2 THEN 1 ELSE throttles.hits + 1 END,
               resets_at = CASE WHEN throttles.resets_at <= $2 THEN EXCLUDED.resets_at
                                ELSE throttles.resets_at END
             RETURNING hits, resets_at",
        )
        .bind::<Text, _>(bucket)
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(now + window)
        .get_result(self.conn())
        .await
        .map_err(store_error)?;
        Ok(row.into())
    }

    async fn throttle_peek(
        &mut self,
        bucket: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ThrottleWindow>, StoreError> {
        let row: Option<WindowRow> = throttles::table
            .find(bucket)
            .filter(throttles::resets_at.gt(now))
            .select((throttles::hits, throttles::resets_at))
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(Into::into))
    }

    async fn throttle_clear(&mut self, bucket: &str) -> Result<(), StoreError> {
        diesel::delete(throttles::table.find(bucket))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
