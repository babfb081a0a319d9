//! Throttle windows: one atomic upsert per hit, so every server process shares the counts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Integer, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use switchboard_ports::{StoreError, ThrottleStore, ThrottleWindow};

use crate::PgTx;
use crate::error::store_error;
use crate::prepared::Prepared;
use crate::schema::throttles;

#[derive(QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = Text)]
    bucket: String,
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = Timestamptz)]
    resets_at: DateTime<Utc>,
}

impl From<&BucketRow> for ThrottleWindow {
    fn from(r: &BucketRow) -> Self {
        ThrottleWindow { hits: u32::try_from(r.hits).unwrap_or_default(), resets_at: r.resets_at }
    }
}

/// The hit's upsert (`$1` bucket, `$2` now, `$3` end of a new window).
const HIT: &str = "INSERT INTO throttles (bucket, hits, resets_at) VALUES ($1, 1, $3)
             ON CONFLICT (bucket) DO UPDATE SET
               hits = CASE WHEN throttles.resets_at <= $2 THEN 1 ELSE throttles.hits + 1 END,
               resets_at = CASE WHEN throttles.resets_at <= $2 THEN EXCLUDED.resets_at
                                ELSE throttles.resets_at END";

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
        let hit = diesel::sql_query(format!("{HIT} RETURNING hits, resets_at"))
            .bind::<Text, _>(bucket)
            .bind::<Timestamptz, _>(now)
            .bind::<Timestamptz, _>(now + window);
        let row: WindowRow = Prepared(hit).get_result(self.conn()).await.map_err(store_error)?;
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

    async fn throttle_hit_and_peek(
        &mut self,
        hit: &str,
        window: Duration,
        peek: &[&str],
        now: DateTime<Utc>,
    ) -> Result<(ThrottleWindow, Vec<Option<ThrottleWindow>>), StoreError> {
        // One statement: the upsert, then the other buckets' running windows. The read sees
        // the table as it was before the upsert, so `hit` must not be among them.
        if peek.contains(&hit) {
            let counted = self.throttle_hit(hit, window, now).await?;
            let mut windows = Vec::with_capacity(peek.len());
            for bucket in peek {
                windows.push(self.throttle_peek(bucket, now).await?);
            }
            return Ok((counted, windows));
        }
        let span = chrono::Duration::from_std(window).unwrap_or(chrono::Duration::days(365));
        let statement = diesel::sql_query(format!(
            "WITH hit AS ({HIT} RETURNING bucket, hits, resets_at)
             SELECT bucket, hits, resets_at FROM hit
             UNION ALL
             SELECT bucket, hits, resets_at FROM throttles
              WHERE bucket = ANY($4) AND resets_at > $2"
        ))
        .bind::<Text, _>(hit)
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(now + span)
        .bind::<Array<Text>, _>(peek);
        let rows: Vec<BucketRow> =
            Prepared(statement).load(self.conn()).await.map_err(store_error)?;
        let counted = rows
            .iter()
            .find(|r| r.bucket == hit)
            .map(ThrottleWindow::from)
            .ok_or_else(|| StoreError::Other("the throttle upsert returned no row".into()))?;
        let windows = peek
            .iter()
            .map(|bucket| rows.iter().find(|r| r.bucket == *bucket).map(ThrottleWindow::from))
            .collect();
        Ok((counted, windows))
    }

    async fn throttle_clear(&mut self, bucket: &str) -> Result<(), StoreError> {
        diesel::delete(throttles::table.find(bucket))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn throttle_clear_all(&mut self, buckets: &[&str]) -> Result<(), StoreError> {
        diesel::delete(throttles::table.filter(throttles::bucket.eq_any(buckets)))
            .execute(self.conn())
            .await
            .map_err(store_error)?;
        Ok(())
    }
}
