#![doc = include_str!("../README.md")]
#![expect(
    clippy::expect_used,
    reason = "test support: a broken test database must stop the test loudly"
)]

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tokio_postgres::{Client, NoTls};

/// A database of its own for one test; dropped (with `WITH (FORCE)`) when this value is.
#[derive(Debug)]
pub struct TestDb {
    name: String,
    url: String,
    admin_url: String,
}

impl TestDb {
    /// A new database with every migration applied.
    pub async fn migrated() -> Self {
        let admin_url = admin_url().to_owned();
        let template = ensure_template(&admin_url).await;
        Self::create(&admin_url, Some(&template)).await
    }

    /// A new, empty database (no migration applied), for migration tests.
    pub async fn empty() -> Self {
        Self::create(admin_url(), None).await
    }

    async fn create(admin_url: &str, template: Option<&str>) -> Self {
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let admin = connect(admin_url).await;
        let sql = match template {
            Some(t) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{t}\""),
            None => format!("CREATE DATABASE \"{name}\""),
        };
        admin.batch_execute(&sql).await.expect("create test database");
        Self { url: with_database(admin_url, &name), name, admin_url: admin_url.to_owned() }
    }

    /// The connection URL of this test's database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A pool of connections to this test's database.
    pub fn pool(&self) -> switchboard_postgres::PgPool {
        switchboard_postgres::connect(&self.url, 8).expect("test pool")
    }

    /// A plain client on this test's database, for assertions in SQL.
    pub async fn client(&self) -> Client {
        connect(&self.url).await
    }

    /// Takes this database away as a PostgreSQL restart does: new connections are refused and
    /// every open one (the pools' included) is terminated, waiting until each is gone. Returns
    /// how many were terminated. [`TestDb::bring_back`] undoes it; dropping works either way.
    pub async fn take_down(&self) -> usize {
        let admin = connect(&self.admin_url).await;
        admin
            .batch_execute(&format!(
                "ALTER DATABASE \"{}\" WITH ALLOW_CONNECTIONS false",
                self.name
            ))
            .await
            .expect("refuse connections");
        // The pids first, then one call each: in a single `WHERE datname = … AND
        // pg_terminate_backend(pid)` the planner may call the function on other databases' rows.
        let pids: Vec<i32> = admin
            .query("SELECT pid FROM pg_stat_activity WHERE datname = $1", &[&self.name])
            .await
            .expect("list connections")
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut ended = 0;
        for pid in pids {
            let row = admin
                .query_one("SELECT pg_terminate_backend($1, 5000)", &[&pid])
                .await
                .expect("terminate a connection");
            ended += usize::from(row.get::<_, bool>(0));
        }
        ended
    }

    /// Accepts connections again after [`TestDb::take_down`].
    pub async fn bring_back(&self) {
        connect(&self.admin_url)
            .await
            .batch_execute(&format!("ALTER DATABASE \"{}\" WITH ALLOW_CONNECTIONS true", self.name))
            .await
            .expect("accept connections");
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Drop may run inside a runtime that is shutting down: use a thread with its own.
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async move {
                let (client, conn) = tokio_postgres::connect(&admin_url, NoTls).await.ok()?;
                let task = tokio::spawn(conn);
                let done = client.batch_execute(&sql).await.ok();
                drop(client);
                let _ = task.await;
                done
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("test-support: could not drop test database {}", self.name);
        }
    }
}

/// The admin URL of the test server, starting the project-local cluster when none is given.
pub fn admin_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        for var in ["SWITCHBOARD_TEST_DATABASE_URL", "DATABASE_URL"] {
            if let Ok(url) = std::env::var(var)
                && !url.is_empty()
            {
                return url;
            }
        }
        let script = workspace_root().join("scripts/db.sh");
        let out = std::process::Command::new("bash")
            .arg(&script)
            .arg("start")
            .output()
            .expect("run scripts/db.sh start");
        assert!(
            out.status.success(),
            "scripts/db.sh start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        with_database(&url, "postgres")
    })
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Replaces the database name in a `postgres://` URL.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{}", &base[..host_end], database);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn connect(url: &str) -> Client {
    let (client, conn) = tokio_postgres::connect(url, NoTls).await.expect("connect to test server");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// A name that changes whenever any migration file changes, so an edited migration never
/// reuses a stale template.
fn template_name() -> String {
    let dir = workspace_root().join("migrations");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read migrations/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let mut hasher = DefaultHasher::new();
    for migration in entries {
        migration.file_name().hash(&mut hasher);
        for file in ["up.sql", "down.sql"] {
            std::fs::read(migration.join(file)).unwrap_or_default().hash(&mut hasher);
        }
    }
    format!("switchboard_tpl_{:016x}", hasher.finish())
}

/// Makes sure the migrated template exists, once across all test processes.
async fn ensure_template(admin_url: &str) -> String {
    let name = template_name();
    let admin = connect(admin_url).await;
    // One process builds the template; the others wait on the same lock, then find it ready.
    admin.batch_execute("SELECT pg_advisory_lock(727274)").await.expect("lock");
    let ready = admin
        .query_opt("SELECT datistemplate FROM pg_database WHERE datname = $1", &[&name])
        .await
        .expect("look up template");
    match ready.map(|row| row.get::<_, bool>(0)) {
        Some(true) => {}
        half_made => {
            if half_made.is_some() {
                admin
                    .batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
                    .await
                    .expect("drop half-made template");
            }
            admin
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create template");
            switchboard_postgres::migrations::run_pending(&with_database(admin_url, &name))
                .await
                .expect("migrate template");
            // Marked a template only once fully migrated: a crash midway leaves it unmarked.
            admin
                .batch_execute(&format!("ALTER DATABASE \"{name}\" WITH IS_TEMPLATE true"))
                .await
                .expect("mark template");
        }
    }
    admin.batch_execute("SELECT pg_advisory_unlock(727274)").await.expect("unlock");
    name
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(with_database("postgres://u@h:1/postgres", "x"), "postgres://u@h:1/x");
        assert_eq!(with_database("postgres://u@h:1", "x"), "postgres://u@h:1/x");
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
