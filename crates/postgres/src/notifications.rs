//! The notification store: [`crate::PgTx`] as [`NotificationStore`]. Notifications are rows of
//! `notifications` (unique by `dedupe_key`, listed through `(user_id, created_at, id)`), the
//! consumer's marks rows of `notification_marks`, opt-outs rows of `notification_opt_outs`.

mod marks;
mod rows;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::notifications::{
    Notification, NotificationId, NotificationKind, NotificationMark, NotificationQuery,
    ReadSelection,
};
use switchboard_ports::{NotificationStore, StoreError};

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{notifications, users};
use rows::Row;

/// Those of `ids` that are users, locked against deletion until the commit.
pub(super) async fn existing_users(
    tx: &mut PgTx,
    ids: &[uuid::Uuid],
) -> Result<Vec<uuid::Uuid>, StoreError> {
    users::table
        .filter(users::id.eq_any(ids))
        .select(users::id)
        .for_key_share()
        .load(tx.conn())
        .await
        .map_err(store_error)
}

impl NotificationStore for PgTx {
    async fn insert_notifications(
        &mut self,
        items: &[Notification],
    ) -> Result<Vec<Notification>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: Vec<uuid::Uuid> = items.iter().map(|n| n.user_id.as_uuid()).collect();
        let users = existing_users(self, &wanted).await?;
        let rows: Vec<Row> = items
            .iter()
            .filter(|n| users.contains(&n.user_id.as_uuid()))
            .map(Row::from_domain)
            .collect();
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let stored: Vec<Row> = diesel::insert_into(notifications::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .returning(Row::as_returning())
            .get_results(self.conn())
            .await
            .map_err(store_error)?;
        // In the order given, as the memory store answers.
        let mut stored: Vec<Notification> =
            stored.into_iter().map(Row::into_domain).collect::<Result<_, _>>()?;
        stored.sort_by_key(|n| items.iter().position(|i| i.id == n.id));
        Ok(stored)
    }

    async fn notification(
        &mut self,
        user: UserId,
        id: NotificationId,
    ) -> Result<Option<Notification>, StoreError> {
        let row: Option<Row> = notifications::table
            .filter(notifications::id.eq(id.as_uuid()))
            .filter(notifications::user_id.eq(user.as_uuid()))
            .select(Row::as_select())
            .first(self.conn())
            .await
            .optional()
            .map_err(store_error)?;
        row.map(Row::into_domain).transpose()
    }

    async fn notifications(
        &mut self,
        user: UserId,
        query: NotificationQuery,
    ) -> Result<Vec<Notification>, StoreError> {
        use notifications::dsl as n;
        let mut q = n::notifications.filter(n::user_id.eq(user.as_uuid())).into_boxed();
        if query.unread_only {
            q = q.filter(n::read_at.is_null());
        }
        if let Some(after) = query.after {
            q = q.filter(
                n::created_at
                    .lt(after.created_at)
                    .or(n::created_at.eq(after.created_at).and(n::id.lt(after.id.as_uuid()))),
            );
        }
        let rows: Vec<Row> = q
            .order((n::created_at.desc(), n::id.desc()))
            .limit(i64::from(query.limit))
            .select(Row::as_select())
            .load(self.conn())
            .await
            .map_err(store_error)?;
        rows.into_iter().map(Row::into_domain).collect()
    }

    async fn mark_notifications_read(
        &mut self,
        user: UserId,
        selection: &ReadSelection,
        at: DateTime<Utc>,
    ) -> Result<Vec<NotificationId>, StoreError> {
        use notifications::dsl as n;
        let mine = n::user_id.eq(user.as_uuid()).and(n::read_at.is_null());
        let ids: Vec<uuid::Uuid> = match selection {
            ReadSelection::Ids(ids) => {
                let ids: Vec<uuid::Uuid> = ids.iter().map(NotificationId::as_uuid).collect();
                diesel::update(n::notifications.filter(mine).filter(n::id.eq_any(ids)))
                    .set(n::read_at.eq(at))
                    .returning(n::id)
                    .get_results(self.conn())
                    .await
            }
            ReadSelection::UpTo(cursor) => {
                let older = n::created_at
                    .lt(cursor.created_at)
                    .or(n::created_at.eq(cursor.created_at).and(n::id.le(cursor.id.as_uuid())));
                diesel::update(n::notifications.filter(mine).filter(older))
                    .set(n::read_at.eq(at))
                    .returning(n::id)
                    .get_results(self.conn())
                    .await
            }
        }
        .map_err(store_error)?;
        let mut ids: Vec<NotificationId> = ids.into_iter().map(NotificationId::from_uuid).collect();
        ids.sort();
        Ok(ids)
    }

    async fn delete_notification(
        &mut self,
        user: UserId,
        id: NotificationId,
    ) -> Result<bool, StoreError> {
        let deleted = diesel::delete(
            notifications::table
                .filter(notifications::id.eq(id.as_uuid()))
                .filter(notifications::user_id.eq(user.as_uuid())),
        )
        .execute(self.conn())
        .await
        .map_err(store_error)?;
        Ok(deleted > 0)
    }

    async fn expire_notifications(
        &mut self,
        before: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(NotificationId, UserId)>, StoreError> {
        use notifications::dsl as n;
        let oldest: Vec<uuid::Uuid> = n::notifications
            .filter(n::created_at.lt(before))
            .order((n::created_at, n::id))
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .select(n::id)
            .load(self.conn())
            .await
            .map_err(store_error)?;
        let gone: Vec<(uuid::Uuid, uuid::Uuid)> =
            diesel::delete(n::notifications.filter(n::id.eq_any(oldest)))
                .returning((n::id, n::user_id))
                .get_results(self.conn())
                .await
                .map_err(store_error)?;
        marks::expire(self, before).await?;
        let mut gone: Vec<(NotificationId, UserId)> = gone
            .into_iter()
            .map(|(id, user)| (NotificationId::from_uuid(id), UserId::from_uuid(user)))
            .collect();
        gone.sort();
        Ok(gone)
    }

    async fn set_notification_mark(&mut self, mark: &NotificationMark) -> Result<bool, StoreError> {
        marks::set(self, mark).await
    }

    async fn notification_mark(&mut self, key: &str) -> Result<bool, StoreError> {
        marks::is_set(self, key).await
    }

    async fn clear_notification_mark(&mut self, key: &str) -> Result<bool, StoreError> {
        marks::clear(self, key).await
    }

    async fn notification_opt_outs(
        &mut self,
        user: UserId,
    ) -> Result<Vec<NotificationKind>, StoreError> {
        marks::opt_outs(self, user).await
    }

    async fn set_notification_opt_out(
        &mut self,
        user: UserId,
        kind: NotificationKind,
        opted_out: bool,
    ) -> Result<bool, StoreError> {
        marks::set_opt_out(self, user, kind, opted_out).await
    }
}
