//! The consumer's marks and users' opt-outs.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use switchboard_domain::UserId;
use switchboard_domain::notifications::{NotificationKind, NotificationMark};
use switchboard_ports::StoreError;

use crate::PgTx;
use crate::error::store_error;
use crate::schema::{notification_marks, notification_opt_outs};

pub(super) async fn set(tx: &mut PgTx, mark: &NotificationMark) -> Result<bool, StoreError> {
    if super::existing_users(tx, &[mark.user_id.as_uuid()]).await?.is_empty() {
        return Ok(false);
    }
    let inserted = diesel::insert_into(notification_marks::table)
        .values((
            notification_marks::key.eq(&mark.key),
            notification_marks::user_id.eq(mark.user_id.as_uuid()),
            notification_marks::created_at.eq(mark.created_at),
            notification_marks::lasting.eq(mark.lasting),
        ))
        .on_conflict_do_nothing()
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(inserted == 1)
}

pub(super) async fn is_set(tx: &mut PgTx, key: &str) -> Result<bool, StoreError> {
    let found: Option<String> = notification_marks::table
        .filter(notification_marks::key.eq(key))
        .select(notification_marks::key)
        .first(tx.conn())
        .await
        .optional()
        .map_err(store_error)?;
    Ok(found.is_some())
}

pub(super) async fn clear(tx: &mut PgTx, key: &str) -> Result<bool, StoreError> {
    let deleted = diesel::delete(notification_marks::table.filter(notification_marks::key.eq(key)))
        .execute(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(deleted > 0)
}

pub(super) async fn expire(tx: &mut PgTx, before: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::delete(
        notification_marks::table
            .filter(notification_marks::lasting.eq(false))
            .filter(notification_marks::created_at.lt(before)),
    )
    .execute(tx.conn())
    .await
    .map_err(store_error)?;
    Ok(())
}

pub(super) async fn opt_outs(
    tx: &mut PgTx,
    user: UserId,
) -> Result<Vec<NotificationKind>, StoreError> {
    let kinds: Vec<String> = notification_opt_outs::table
        .filter(notification_opt_outs::user_id.eq(user.as_uuid()))
        .select(notification_opt_outs::kind)
        .load(tx.conn())
        .await
        .map_err(store_error)?;
    Ok(NotificationKind::ALL
        .into_iter()
        .filter(|k| kinds.iter().any(|s| s == k.as_str()))
        .collect())
}

pub(super) async fn set_opt_out(
    tx: &mut PgTx,
    user: UserId,
    kind: NotificationKind,
    opted_out: bool,
) -> Result<bool, StoreError> {
    let changed = if opted_out {
        diesel::insert_into(notification_opt_outs::table)
            .values((
                notification_opt_outs::user_id.eq(user.as_uuid()),
                notification_opt_outs::kind.eq(kind.as_str()),
            ))
            .on_conflict_do_nothing()
            .execute(tx.conn())
            .await
    } else {
        diesel::delete(
            notification_opt_outs::table
                .filter(notification_opt_outs::user_id.eq(user.as_uuid()))
                .filter(notification_opt_outs::kind.eq(kind.as_str())),
        )
        .execute(tx.conn())
        .await
    }
    .map_err(store_error)?;
    Ok(changed > 0)
}
