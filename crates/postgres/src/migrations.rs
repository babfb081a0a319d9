//! The schema migrations, embedded in the binary from the workspace's `migrations/` folder.
//!
//! They run through diesel-async's `AsyncConnectionWrapper`, which gives diesel's synchronous
//! migration harness a pure-Rust connection, so the binary never links libpq. The wrapper blocks
//! on its own runtime, hence the `spawn_blocking`.

use diesel::Connection;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{PgPool, PostgresError};

/// Every migration of this build, oldest first.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// The versions of the migrations embedded in this build, oldest first.
///
/// # Errors
/// [`PostgresError::Migration`] if the embedded set cannot be read (it always can).
pub fn embedded_versions() -> Result<Vec<String>, PostgresError> {
    let migrations = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(|e| PostgresError::Migration(e.to_string()))?;
    Ok(migrations.iter().map(|m| m.name().version().to_string()).collect())
}

/// Applies every pending migration to the database at `url`; returns the versions applied.
///
/// # Errors
/// [`PostgresError::Connect`] or [`PostgresError::Migration`].
pub async fn run_pending(url: &str) -> Result<Vec<String>, PostgresError> {
    with_harness(url, |conn| {
        conn.run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect())
    })
    .await
}

/// Reverts every applied migration, newest first; returns the versions reverted.
///
/// # Errors
/// [`PostgresError::Connect`] or [`PostgresError::Migration`].
pub async fn revert_all(url: &str) -> Result<Vec<String>, PostgresError> {
    with_harness(url, |conn| {
        conn.revert_all_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect())
    })
    .await
}

type HarnessResult = Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>>;

async fn with_harness(
    url: &str,
    work: impl FnOnce(&mut AsyncConnectionWrapper<AsyncPgConnection>) -> HarnessResult + Send + 'static,
) -> Result<Vec<String>, PostgresError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
        work(&mut conn).map_err(|e| PostgresError::Migration(e.to_string()))
    })
    .await
    .map_err(|e| PostgresError::Migration(format!("migration task failed: {e}")))?
}

#[derive(diesel::QueryableByName)]
struct AppliedVersion {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

/// The embedded migrations not yet applied to the pool's database, oldest first.
///
/// # Errors
/// [`PostgresError::Pool`] or [`PostgresError::Query`] when the database cannot be read.
pub async fn pending(pool: &PgPool) -> Result<Vec<String>, PostgresError> {
    let mut conn = pool.get().await.map_err(|e| PostgresError::Pool(e.to_string()))?;
    let table_exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "to_regclass('__diesel_schema_migrations') IS NOT NULL",
    ))
    .get_result(&mut conn)
    .await?;
    let applied: Vec<String> = if table_exists {
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<AppliedVersion>(&mut conn)
            .await?
            .into_iter()
            .map(|v| v.version)
            .collect()
    } else {
        Vec::new()
    };
    Ok(embedded_versions()?.into_iter().filter(|v| !applied.contains(v)).collect())
}
