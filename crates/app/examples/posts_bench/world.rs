//! The bench's database, the app's HTTP server in this process, and one signed-in user.

use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard_app::commands::serve::SharedDeps;
use switchboard_app::config::{Config, Profile};
use switchboard_domain::UserId;
use switchboard_http::ServerOptions;
use switchboard_postgres::{PgJobQueue, PgPool, PgUnitOfWork};
use switchboard_test_support::TestDb;

/// The bench's world.
pub struct World {
    /// Kept for the run: dropping it drops the database (none when kept by name).
    _db: Option<TestDb>,
    pub pool: PgPool,
    pub uow: PgUnitOfWork,
    pub owner: UserId,
    /// The user's access token.
    pub token: String,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub http: reqwest::Client,
}

async fn kept(name: &str) -> String {
    let admin = switchboard_test_support::admin_url();
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .unwrap()
        .is_some();
    if !exists {
        client.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
    }
    let url = switchboard_test_support::with_database(admin, name);
    switchboard_postgres::migrations::run_pending(&url).await.unwrap();
    url
}

impl World {
    /// Migrates the database, starts the server and signs the user in.
    pub async fn start() -> Self {
        let (db, url) = match std::env::var("POSTS_BENCH_DB").ok().filter(|n| !n.is_empty()) {
            Some(name) => (None, kept(&name).await),
            None => {
                let db = TestDb::migrated().await;
                let url = db.url().to_owned();
                (Some(db), url)
            }
        };
        let pool = switchboard_postgres::connect(&url, 8).unwrap();
        let mut config = Config::load(Profile::Test, None).unwrap();
        // The HTTP server as `serve` runs it out of the box (the test profile's single worker
        // and four connections suit parallel tests, not a load): a worker per core and the
        // default pool.
        let served = Config::load(Profile::Development, None).unwrap();
        config.server.workers = served.server.workers;
        config.database.pool_size = served.database.pool_size;
        let (queue, job_listener) = PgJobQueue::new(pool.clone(), &url);
        tokio::spawn(job_listener.run());
        // As `serve` builds it: one pool per server worker.
        let options = ServerOptions { workers: config.workers(), shutdown_timeout: Duration::ZERO };
        let per_worker = config.database.pool_size.div_ceil(options.workers.max(1)).max(1);
        let shared = SharedDeps::new(&config, pool.clone(), queue).unwrap();
        tokio::spawn(shared.watch_identity(&url));
        let make_deps = shared.per_worker(url.clone(), per_worker, pool.clone());
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(switchboard_http::serve(listener, make_deps, options).unwrap());

        let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
        let (token, owner) = sign_in(&http, &base).await;
        Self { _db: db, uow: PgUnitOfWork::new(pool.clone()), pool, owner, token, base, http }
    }

    /// `GET {path}` as the user: the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.token);
        let res = res.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }
}

/// Registers the user (or, in a kept database, finds them registered) and logs in.
async fn sign_in(http: &reqwest::Client, base: &str) -> (String, UserId) {
    let body = json!({"email": "posts-bench@example.org", "password": "posts bench password"});
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let res = http.post(format!("{base}/api/auth/register")).json(&body).send().await.unwrap();
    assert!([201, 409].contains(&res.status().as_u16()), "register: {}", res.status());
    let res = http.post(format!("{base}/api/auth/login")).json(&body).send().await.unwrap();
    let login: Value = res.json().await.unwrap();
    let token = login["data"]["access_token"].as_str().expect("an access token").to_owned();
    let res = http.get(format!("{base}/api/me")).bearer_auth(&token).send().await.unwrap();
    let me: Value = res.json().await.unwrap();
    (token, me["data"]["id"].as_str().expect("the user's id").parse().unwrap())
}
