//! What a test's connection has prepared, for the test binaries that check that a statement
//! is prepared once and keeps its plan.

use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use switchboard_ports::StoreError;
use switchboard_postgres::PgTx;

/// A statement the connection has prepared, with the plans PostgreSQL made for it.
#[derive(Debug, diesel::QueryableByName)]
pub struct Prepared {
    #[diesel(sql_type = Text)]
    pub statement: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub generic_plans: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub custom_plans: i64,
}

/// The statements the transaction's connection has prepared whose text starts with `prefix`
/// (all of them for `""`).
pub async fn prepared_statements(tx: &mut PgTx, prefix: &str) -> Result<Vec<Prepared>, StoreError> {
    diesel::sql_query(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements \
         WHERE starts_with(statement, $1)",
    )
    .bind::<Text, _>(prefix)
    .load(tx.conn())
    .await
    .map_err(|e| StoreError::Other(e.to_string()))
}
