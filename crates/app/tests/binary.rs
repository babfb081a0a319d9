//! The `switchboard` binary, run as an operator runs it.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::process::Stdio;

use switchboard_test_support::TestDb;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn switchboard(db: Option<&TestDb>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SWITCHBOARD_PROFILE", "test")
        .env("SWITCHBOARD__LOG__FORMAT", "json")
        .env("SWITCHBOARD__LOG__FILTER", "info")
        .kill_on_drop(true);
    if let Some(db) = db {
        cmd.env("DATABASE_URL", db.url());
    }
    cmd
}

struct Server {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    base: String,
}

impl Server {
    async fn start(db: &TestDb) -> Self {
        let mut child = switchboard(Some(db)).arg("serve").stdout(Stdio::piped()).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let base = loop {
            let line = lines.next_line().await.unwrap().expect("server exited before listening");
            let log: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
            if log["fields"]["message"] == "listening" {
                break log["fields"]["api"].as_str().unwrap().to_owned();
            }
        };
        Self { child, lines, base }
    }

    /// Reads log lines until one satisfies `found`; fails if the server exits first.
    async fn log_line_where(
        &mut self,
        found: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        loop {
            let line = self.lines.next_line().await.unwrap().expect("log ended");
            let log: serde_json::Value = serde_json::from_str(&line).unwrap();
            if found(&log) {
                return log;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_migrates_answers_logs_request_ids_and_stops_on_sigterm() {
    let db = TestDb::empty().await;
    let mut server = Server::start(&db).await;

    let ready = reqwest::get(format!("{}/readyz", server.base)).await.unwrap();
    assert_eq!(ready.status(), 200, "migrations ran at start");

    let res = reqwest::Client::new()
        .get(format!("{}/version", server.base))
        .header("X-Request-Id", "e2e-request-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "e2e-request-1");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["data"]["version"], env!("CARGO_PKG_VERSION"));
    let log = server.log_line_where(|l| l["span"]["request_id"] == "e2e-request-1").await;
    assert_eq!(log["fields"]["status"], 200);

    let pid = server.child.id().unwrap().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
    assert!(killed.success());
    let status = server.child.wait().await.unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_applies_every_migration() {
    let db = TestDb::empty().await;
    let out = switchboard(Some(&db)).arg("migrate").output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let applied: i64 = db
        .client()
        .await
        .query_one("SELECT count(*) FROM __diesel_schema_migrations", &[])
        .await
        .unwrap()
        .get(0);
    let embedded = switchboard_postgres::migrations::embedded_versions().unwrap();
    assert_eq!(applied, i64::try_from(embedded.len()).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn production_refuses_development_secrets_and_says_which() {
    let out = switchboard(None)
        .env("SWITCHBOARD_PROFILE", "production")
        .arg("serve")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("database.url"), "{stderr}");
    assert!(
        !stderr.contains("dev-insecure-password"),
        "the secret itself is not printed: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_configuration_key_is_refused() {
    let out = switchboard(None)
        .env("SWITCHBOARD__SERVER__COLOUR", "blue")
        .arg("config")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("colour"));
}

#[tokio::test(flavor = "multi_thread")]
async fn config_prints_no_secret() {
    let out = switchboard(None)
        .env("DATABASE_URL", "postgres://app:hunter2@db/x")
        .arg("config")
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("pool_size"), "{stdout}");
    assert!(!stdout.contains("hunter2"), "{stdout}");
}

#[test]
fn the_binary_does_not_link_libpq() {
    let out = std::process::Command::new("ldd").arg(BIN).output().expect("ldd");
    let libs = String::from_utf8_lossy(&out.stdout);
    assert!(libs.contains("libc.so"), "ldd output looks wrong: {libs}");
    assert!(!libs.contains("libpq"), "{libs}");
    assert!(!libs.contains("libssl") && !libs.contains("libcrypto"), "TLS is rustls: {libs}");
}

/// `make run` in miniature: the sandbox in process, the demo account seeded through the
/// normal connect use case, synced, and usable with the printed credentials.
#[tokio::test(flavor = "multi_thread")]
async fn serve_with_the_sandbox_seeds_a_demo_user_whose_data_is_ingested() {
    let db = TestDb::empty().await;
    let password = "correct horse battery staple";
    let mut child = switchboard(Some(&db))
        .env("SWITCHBOARD__SANDBOX__ENABLED", "true")
        .env("SWITCHBOARD__SANDBOX__PORT", "0")
        .env("SWITCHBOARD__SANDBOX__POSTS_PER_CHANNEL", "120")
        .env("SWITCHBOARD__SANDBOX__DEMO__PASSWORD", password)
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut base, mut banner) = (String::new(), String::new());
    let ingested = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        loop {
            let line = lines.next_line().await.unwrap().expect("server exited before ingesting");
            let Ok(log) = serde_json::from_str::<serde_json::Value>(&line) else {
                banner.push_str(&line);
                banner.push('\n');
                continue;
            };
            match log["fields"]["message"].as_str() {
                Some("listening") => base = log["fields"]["api"].as_str().unwrap().to_owned(),
                Some("demo data ingested") => return log,
                Some("cannot seed the demo account") => panic!("{log}"),
                _ => {}
            }
        }
    })
    .await
    .expect("the demo data is ingested within two minutes");
    assert!(ingested["fields"]["sources"].as_str().unwrap().contains("slack active"), "{ingested}");
    for expected in ["demo@switchboard.example", password, "/api/auth/login", "/api/stats/pulse"] {
        assert!(banner.contains(expected), "{expected} in the banner: {banner}");
    }

    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"email": "demo@switchboard.example", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["access_token"].as_str().expect("the printed password works");
    let get = |path: &str| http.get(format!("{base}{path}")).bearer_auth(token).send();
    let sources: serde_json::Value = get("/api/chat/sources").await.unwrap().json().await.unwrap();
    let sources = sources["data"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources.iter().all(|s| s["status"] == "active" && s["last_sync_at"] != ""));
    let channels: serde_json::Value =
        get("/api/chat/channels").await.unwrap().json().await.unwrap();
    assert!(channels["data"]["channels"].as_array().unwrap().len() > 10, "{channels}");

    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().await.unwrap().success());
    assert!(child.wait().await.unwrap().success());
}
