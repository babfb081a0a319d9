//! The operator side of the queue.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use switchboard_domain::JobState;
use switchboard_ports::{JobAdmin, JobRecord, StoreError};

use super::queue::PgJobQueue;
use super::rows::JobRow;
use crate::error::store_error;
use crate::schema::jobs;

impl JobAdmin for PgJobQueue {
    async fn counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<(String, i64)> = jobs::table
            .group_by(jobs::state)
            .select((jobs::state, diesel::dsl::count_star()))
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        Ok(JobState::ALL
            .into_iter()
            .map(|state| {
                let n = rows.iter().find(|(s, _)| s == state.as_str()).map_or(0, |(_, n)| *n);
                (state, u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }

    async fn list(
        &self,
        state: Option<JobState>,
        after_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let mut conn = self.conn().await?;
        let mut query = jobs::table.into_boxed();
        if let Some(state) = state {
            query = query.filter(jobs::state.eq(state.as_str()));
        }
        if let Some(after) = after_id {
            query = query.filter(jobs::id.gt(after));
        }
        let rows: Vec<JobRow> = query
            .order(jobs::id.asc())
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .select(JobRow::as_select())
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        rows.into_iter().map(JobRecord::try_from).collect()
    }

    async fn retry(&self, id: i64) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        let updated = diesel::sql_query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = now()
              WHERE id = $1 AND state IN ('failed', 'dead')",
        )
        .bind::<BigInt, _>(id)
        .execute(&mut conn)
        .await
        .map_err(store_error)?;
        if updated == 1 {
            diesel::sql_query("SELECT pg_notify($1, '')")
                .bind::<diesel::sql_types::Text, _>(super::CHANNEL)
                .execute(&mut conn)
                .await
                .map_err(store_error)?;
        }
        Ok(updated == 1)
    }

    async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        let deleted =
            diesel::delete(jobs::table.filter(jobs::id.eq(id)).filter(jobs::state.ne("running")))
                .execute(&mut conn)
                .await
                .map_err(store_error)?;
        Ok(deleted == 1)
    }
}
