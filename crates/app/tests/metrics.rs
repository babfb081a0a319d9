//! `GET /metrics` of `switchboard serve` and `switchboard worker`, run as an operator runs them.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::{BTreeMap, HashSet};
use std::process::Stdio;
use std::time::Duration;

use switchboard_test_support::TestDb;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{ChildStdout, Command};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn switchboard(db: &TestDb) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SWITCHBOARD_PROFILE", "test")
        .env("SWITCHBOARD__LOG__FORMAT", "json")
        .env("SWITCHBOARD__LOG__FILTER", "info")
        .env("DATABASE_URL", db.url())
        .kill_on_drop(true);
    cmd
}

/// Reads JSON log lines until `found` picks a value out of one; fails if the process exits.
async fn wait_for<T>(
    lines: &mut Lines<BufReader<ChildStdout>>,
    found: impl Fn(&serde_json::Value) -> Option<T>,
) -> T {
    tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            let line = lines.next_line().await.unwrap().expect("the process exited");
            let Ok(log) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            assert_ne!(log["fields"]["message"], "cannot seed the demo account", "{log}");
            if let Some(value) = found(&log) {
                return value;
            }
        }
    })
    .await
    .expect("the log line within two minutes")
}

fn message_is(log: &serde_json::Value, message: &str) -> bool {
    log["fields"]["message"] == message
}

/// One sample of the text exposition format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text format strictly enough to catch a malformed page: every line is
/// a `# HELP`/`# TYPE` comment or `name{label="value",…} number`, and every sample belongs to
/// a family with a TYPE.
fn parse(page: &str) -> Vec<Sample> {
    let mut typed = HashSet::new();
    let mut samples = Vec::new();
    for line in page.lines().filter(|l| !l.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut words = comment.splitn(3, ' ');
            let (kind, name) = (words.next().unwrap(), words.next().expect("a family name"));
            assert!(matches!(kind, "HELP" | "TYPE"), "comment: {line}");
            if kind == "TYPE" {
                let family_type = words.next().expect("a type");
                assert!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(&family_type),
                    "{line}"
                );
                typed.insert(name.to_owned());
            }
            continue;
        }
        let name_end = line.find(['{', ' ']).expect("a name");
        let name = &line[..name_end];
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                && !name.starts_with(|c: char| c.is_ascii_digit()),
            "metric name: {line}"
        );
        let mut rest = &line[name_end..];
        let mut labels = BTreeMap::new();
        if let Some(after) = rest.strip_prefix('{') {
            let mut chars = after.char_indices().peekable();
            let mut key = String::new();
            let close = loop {
                let (i, c) = chars.next().expect("labels end");
                match c {
                    '}' => break i,
                    ',' => {}
                    '=' => {
                        assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "quoted: {line}");
                        let mut value = String::new();
                        loop {
                            let (_, c) = chars.next().expect("value end");
                            match c {
                                '\\' => value.push(chars.next().unwrap().1),
                                '"' => break,
                                c => value.push(c),
                            }
                        }
                        labels.insert(std::mem::take(&mut key), value);
                    }
                    c => key.push(c),
                }
            };
            rest = &after[close + 1..];
        }
        let value = rest.trim();
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("value: {line}")),
        };
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "{name} has a TYPE line");
        samples.push(Sample { name: name.to_owned(), labels, value });
    }
    samples
}

fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    samples.iter().find(|s| {
        s.name == name
            && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(v))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_counts_requests_by_route_template_and_reports_pools_providers_and_build() {
    let db = TestDb::empty().await;
    let password = "correct horse battery staple";
    let mut child = switchboard(&db)
        .env("SWITCHBOARD__SANDBOX__ENABLED", "true")
        .env("SWITCHBOARD__SANDBOX__PORT", "0")
        .env("SWITCHBOARD__SANDBOX__POSTS_PER_CHANNEL", "20")
        .env("SWITCHBOARD__SANDBOX__DEMO__PASSWORD", password)
        .env("SWITCHBOARD__SERVER__WORKERS", "2")
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = wait_for(&mut lines, |l| {
        message_is(l, "listening").then(|| l["fields"]["api"].as_str().unwrap().to_owned())
    })
    .await;
    wait_for(&mut lines, |l| message_is(l, "demo data ingested").then_some(())).await;

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
    let token = login["data"]["access_token"].as_str().unwrap();
    let channels: serde_json::Value = http
        .get(format!("{base}/api/chat/channels"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<String> = channels["data"]["channels"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3, "{channels}");
    for id in &ids {
        let posts =
            http.get(format!("{base}/api/chat/channels/{id}/posts")).bearer_auth(token).send();
        assert_eq!(posts.await.unwrap().status(), 200);
    }
    let missing = "no-such-page-7f3a9c";
    assert_eq!(http.get(format!("{base}/{missing}/42")).send().await.unwrap().status(), 404);

    let scrape = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(scrape.status(), 200);
    assert!(scrape.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let page = scrape.text().await.unwrap();
    let samples = parse(&page);

    let posts = find(
        &samples,
        "switchboard_http_requests_total",
        &[("route", "/api/chat/channels/{id}/posts"), ("method", "GET"), ("status", "200")],
    )
    .expect("requests counted by route template");
    assert_eq!(posts.value, 3.0);
    let latency = find(
        &samples,
        "switchboard_http_request_duration_seconds_count",
        &[("route", "/api/chat/channels/{id}/posts"), ("method", "GET")],
    )
    .expect("a latency histogram by route template");
    assert_eq!(latency.value, 3.0);
    assert!(
        find(&samples, "switchboard_http_request_duration_seconds_bucket", &[("le", "0.1")])
            .is_some(),
        "histogram buckets"
    );
    let unmatched = find(
        &samples,
        "switchboard_http_requests_total",
        &[("route", "unmatched"), ("status", "404")],
    )
    .expect("unmatched paths under one label");
    assert_eq!(unmatched.value, 1.0);
    for raw in ids.iter().map(String::as_str).chain([missing]) {
        assert!(!page.contains(raw), "no raw path or id in the page: {raw}");
    }

    let build = find(&samples, "switchboard_build_info", &[("version", env!("CARGO_PKG_VERSION"))])
        .expect("build info");
    assert_eq!(build.value, 1.0);
    assert!(!build.labels["git_sha"].is_empty());
    let hashing = find(&samples, "switchboard_hash_queue_length", &[]);
    assert_eq!(hashing.expect("the hashing queue, after a login").value, 0.0);
    let http_pool = find(&samples, "switchboard_db_pool_max", &[("pool", "http")]).unwrap();
    assert!(http_pool.value >= 2.0, "two workers' pools added up: {}", http_pool.value);
    assert!(find(&samples, "switchboard_db_pool_in_use", &[("pool", "main")]).is_some());
    assert!(find(&samples, "switchboard_db_pool_waiting", &[("pool", "main")]).is_some());
    let slack = find(
        &samples,
        "switchboard_provider_requests_total",
        &[("provider", "slack"), ("operation", "conversations.history"), ("outcome", "ok")],
    )
    .expect("provider calls by operation");
    assert!(slack.value >= 1.0);
    assert!(
        find(&samples, "switchboard_sync_lag_seconds", &[("kind", "chat"), ("provider", "slack")])
            .is_some(),
        "chat sync lag by provider"
    );
    for sample in samples.iter().filter(|s| s.name.starts_with("switchboard_provider_")) {
        let operation = sample.labels.get("operation").unwrap();
        assert!(
            !operation.chars().any(|c| c.is_ascii_digit()) || operation.len() < 24,
            "a bounded operation label: {operation}"
        );
    }

    stops_cleanly(child).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_worker_serves_its_metrics_on_its_own_listener() {
    let db = TestDb::migrated().await;
    let enqueued = switchboard(&db)
        .args(["jobs", "enqueue", "--type", "system.sleep", "--max-attempts", "1"])
        .args(["--payload", r#"{"millis": "soon"}"#])
        .output()
        .await
        .unwrap();
    assert!(enqueued.status.success(), "{}", String::from_utf8_lossy(&enqueued.stderr));

    let mut child = switchboard(&db).arg("worker").stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = wait_for(&mut lines, |l| {
        message_is(l, "metrics listening")
            .then(|| l["fields"]["metrics"].as_str().unwrap().to_owned())
    })
    .await;
    wait_for(&mut lines, |l| message_is(l, "job failed").then_some(())).await;

    let page = reqwest::get(&address).await.unwrap().text().await.unwrap();
    let samples = parse(&page);
    let failed = find(
        &samples,
        "switchboard_job_runs_total",
        &[("job_type", "system.sleep"), ("outcome", "failed")],
    )
    .expect("job runs by outcome");
    assert_eq!(failed.value, 1.0);
    let dead = find(&samples, "switchboard_jobs_dead_total", &[("job_type", "system.sleep")]);
    assert_eq!(dead.expect("dead letters").value, 1.0);
    let depth =
        find(&samples, "switchboard_jobs", &[("job_type", "system.sleep"), ("state", "dead")]);
    assert_eq!(depth.expect("queue depth by type and state").value, 1.0);
    assert!(
        find(&samples, "switchboard_job_queue_wait_seconds_count", &[("job_type", "system.sleep")])
            .is_some(),
        "time from runnable to claimed"
    );
    assert!(find(&samples, "switchboard_build_info", &[]).is_some());

    stops_cleanly(child).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_can_keep_its_metrics_off_the_api_port() {
    let db = TestDb::empty().await;
    let mut child = switchboard(&db)
        .env("SWITCHBOARD__METRICS__LISTEN", "127.0.0.1:0")
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let metrics = wait_for(&mut lines, |l| {
        message_is(l, "metrics listening")
            .then(|| l["fields"]["metrics"].as_str().unwrap().to_owned())
    })
    .await;
    let base = wait_for(&mut lines, |l| {
        message_is(l, "listening").then(|| l["fields"]["api"].as_str().unwrap().to_owned())
    })
    .await;
    assert_eq!(reqwest::get(format!("{base}/readyz")).await.unwrap().status(), 200);
    assert_eq!(reqwest::get(format!("{base}/metrics")).await.unwrap().status(), 404);
    let page = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    let samples = parse(&page);
    let readyz = find(&samples, "switchboard_http_requests_total", &[("route", "/readyz")]);
    assert_eq!(readyz.expect("the API's requests, on the metrics port").value, 1.0);

    stops_cleanly(child).await;
}

/// Sends SIGTERM to `child` and checks it exits with success.
async fn stops_cleanly(mut child: tokio::process::Child) {
    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().await.unwrap().success());
    assert!(child.wait().await.unwrap().success());
}
