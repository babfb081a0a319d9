//! Event consumers' checkpoints.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use switchboard_domain::EventPosition;
use switchboard_ports::StoreError;

use crate::error::store_error;
use crate::schema::event_consumers;

/// Creates the consumer if new, locks its row for the transaction, and returns its position.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn lock(
    conn: &mut AsyncPgConnection,
    consumer: &str,
) -> Result<Option<EventPosition>, StoreError> {
    diesel::insert_into(event_consumers::table)
        .values(event_consumers::name.eq(consumer))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map_err(store_error)?;
    let (tx, id): (Option<i64>, Option<i64>) = event_consumers::table
        .filter(event_consumers::name.eq(consumer))
        .select((event_consumers::tx_id, event_consumers::event_id))
        .for_update()
        .get_result(conn)
        .await
        .map_err(store_error)?;
    Ok(tx.zip(id).map(|(tx, id)| EventPosition { tx, id }))
}

/// Moves the consumer's checkpoint.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn save(
    conn: &mut AsyncPgConnection,
    consumer: &str,
    position: EventPosition,
) -> Result<(), StoreError> {
    diesel::update(event_consumers::table.filter(event_consumers::name.eq(consumer)))
        .set((
            event_consumers::tx_id.eq(position.tx),
            event_consumers::event_id.eq(position.id),
            event_consumers::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
        .map_err(store_error)?;
    Ok(())
}
