//! The event log: appends inside use-case transactions, and reads that never skip an event.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use switchboard_domain::{Change, Event, EventPosition, NewEvent, UserId};
use switchboard_ports::StoreError;

use crate::error::store_error;
use crate::schema::events;

/// The settled horizon: every transaction of this database with an id below it has finished,
/// and any transaction that finishes later has an id at or above it. Events below the horizon
/// are final: a later commit can never take a position before them.
///
/// It is the oldest transaction id still running in this database (sessions and prepared
/// transactions), or the next id to be assigned if none runs. Only this database's transactions
/// can write its events, so, unlike `pg_snapshot_xmin`, a long transaction in another database
/// of the cluster does not hold readers back.
///
/// It must be computed in its own statement, before the statement that reads events: under READ
/// COMMITTED the read then takes a newer snapshot, in which every transaction below the horizon
/// has finished and its events are visible. `pg_stat_clear_snapshot()` first, because
/// PostgreSQL caches `pg_stat_activity` for the rest of a transaction.
const HORIZON: &str = "SELECT least(
        (SELECT min(backend_xid::text::bigint) FROM pg_stat_activity
          WHERE datname = current_database() AND backend_xid IS NOT NULL),
        (SELECT min(transaction::text::bigint) FROM pg_prepared_xacts
          WHERE database = current_database()),
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint) AS horizon";

#[derive(QueryableByName)]
struct Horizon {
    #[diesel(sql_type = BigInt)]
    horizon: i64,
}

/// The current settled horizon (see [`HORIZON`]).
async fn horizon(conn: &mut AsyncPgConnection) -> Result<i64, StoreError> {
    diesel::sql_query("SELECT pg_stat_clear_snapshot()")
        .execute(conn)
        .await
        .map_err(store_error)?;
    let row: Horizon = diesel::sql_query(HORIZON).get_result(conn).await.map_err(store_error)?;
    Ok(row.horizon)
}

#[derive(Insertable)]
#[diesel(table_name = events)]
struct NewEventRow {
    occurred_by: Option<uuid::Uuid>,
    owner_id: Option<uuid::Uuid>,
    model_name: String,
    object_id: String,
    kind: &'static str,
    snapshot: Option<serde_json::Value>,
    attribute_name: Option<String>,
    old_value: Option<serde_json::Value>,
    new_value: Option<serde_json::Value>,
}

impl From<NewEvent> for NewEventRow {
    fn from(event: NewEvent) -> Self {
        let kind = event.change.kind();
        let (snapshot, attribute_name, old_value, new_value) = match event.change {
            Change::Added { snapshot } => (Some(snapshot), None, None, None),
            Change::Changed { attribute_name, old_value, new_value } => {
                (None, Some(attribute_name), Some(old_value), Some(new_value))
            }
            Change::Deleted => (None, None, None, None),
        };
        Self {
            occurred_by: event.occurred_by.map(|u| u.as_uuid()),
            owner_id: event.owner_id.map(|u| u.as_uuid()),
            model_name: event.model_name,
            object_id: event.object_id,
            kind,
            snapshot,
            attribute_name,
            old_value,
            new_value,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: i64,
    tx_id: i64,
    occurred_at: DateTime<Utc>,
    occurred_by: Option<uuid::Uuid>,
    owner_id: Option<uuid::Uuid>,
    model_name: String,
    object_id: String,
    kind: String,
    snapshot: Option<serde_json::Value>,
    attribute_name: Option<String>,
    old_value: Option<serde_json::Value>,
    new_value: Option<serde_json::Value>,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let change = match (row.kind.as_str(), row.snapshot, row.attribute_name) {
            ("added", Some(snapshot), _) => Change::Added { snapshot },
            ("changed", _, Some(attribute_name)) => Change::Changed {
                attribute_name,
                old_value: row.old_value.unwrap_or_default(),
                new_value: row.new_value.unwrap_or_default(),
            },
            ("deleted", _, _) => Change::Deleted,
            (kind, _, _) => {
                return Err(StoreError::Other(format!("event {} has bad kind {kind}", row.id)));
            }
        };
        Ok(Event {
            position: EventPosition { tx: row.tx_id, id: row.id },
            occurred_at: row.occurred_at,
            model_name: row.model_name,
            object_id: row.object_id,
            occurred_by: row.occurred_by.map(UserId::from_uuid),
            owner_id: row.owner_id.map(UserId::from_uuid),
            change,
        })
    }
}

/// Appends events in one statement.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn append(conn: &mut AsyncPgConnection, new: Vec<NewEvent>) -> Result<(), StoreError> {
    if new.is_empty() {
        return Ok(());
    }
    let rows: Vec<NewEventRow> = new.into_iter().map(NewEventRow::from).collect();
    diesel::insert_into(events::table).values(&rows).execute(conn).await.map_err(store_error)?;
    Ok(())
}

/// Which events to read.
pub type EventFilter = switchboard_ports::EventQuery;

/// The event log, read outside use-case transactions.
#[derive(Clone)]
pub struct PgEventLog {
    pool: crate::PgPool,
}

impl std::fmt::Debug for PgEventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgEventLog")
    }
}

impl PgEventLog {
    /// Reads over `pool`.
    pub fn new(pool: crate::PgPool) -> Self {
        Self { pool }
    }
}

impl switchboard_ports::EventReader for PgEventLog {
    async fn read(&self, query: EventFilter) -> Result<Vec<Event>, StoreError> {
        let mut conn = self.pool.get().await.map_err(crate::error::pool_error)?;
        after(&mut conn, query).await
    }
}

/// The settled events matching `filter`, in log order.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn after(
    conn: &mut AsyncPgConnection,
    filter: EventFilter,
) -> Result<Vec<Event>, StoreError> {
    let horizon = horizon(conn).await?;
    let mut query = events::table.into_boxed().filter(events::tx_id.lt(horizon));
    if let Some(p) = filter.after {
        query = query.filter(
            sql::<Bool>("(tx_id, id) > (")
                .bind::<BigInt, _>(p.tx)
                .sql(", ")
                .bind::<BigInt, _>(p.id)
                .sql(")"),
        );
    }
    if let Some(model) = filter.model_name {
        query = query.filter(events::model_name.eq(model));
    }
    if let Some(object) = filter.object_id {
        query = query.filter(events::object_id.eq(object));
    }
    if let Some(owner) = filter.owner {
        query = query.filter(events::owner_id.eq(owner.as_uuid()));
    }
    let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
    let rows: Vec<EventRow> = query
        .order((events::tx_id.asc(), events::id.asc()))
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)
        .await
        .map_err(store_error)?;
    rows.into_iter().map(Event::try_from).collect()
}

/// The position of the last settled event, or `None` for an empty log.
///
/// # Errors
/// [`StoreError`] from the database.
pub async fn tail(conn: &mut AsyncPgConnection) -> Result<Option<EventPosition>, StoreError> {
    let horizon = horizon(conn).await?;
    let last: Option<(i64, i64)> = events::table
        .filter(events::tx_id.lt(horizon))
        .order((events::tx_id.desc(), events::id.desc()))
        .select((events::tx_id, events::id))
        .first(conn)
        .await
        .optional()
        .map_err(store_error)?;
    Ok(last.map(|(tx, id)| EventPosition { tx, id }))
}
