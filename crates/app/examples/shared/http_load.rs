//! Closed-loop HTTP load for the benches: `clients` clients each sending the next request as
//! soon as its last answer is read, either wrk out of process or reqwest in the bench's own.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server under load and the caller's credentials.
pub struct Target<'a> {
    /// `http://127.0.0.1:PORT`.
    pub base: &'a str,
    /// The caller's access token.
    pub token: &'a str,
    /// The in-process clients' connection pool.
    pub http: &'a reqwest::Client,
}

/// What one scenario measured.
pub struct Figures {
    pub requests: usize,
    pub failed: usize,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Reqwest clients in this process, going round `paths` (each after `base`), for `length`.
pub async fn drive(
    target: &Target<'_>,
    paths: &Arc<Vec<String>>,
    clients: usize,
    length: Duration,
) -> Figures {
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (http, token, paths) =
                (target.http.clone(), target.token.to_owned(), paths.clone());
            let base = target.base.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0usize;
                let mut i = client;
                while Instant::now() < deadline {
                    let url = format!("{base}{}", paths[i % paths.len()]);
                    i += 1;
                    let sent = Instant::now();
                    let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
                    let ok = res.status() == 200;
                    let body = res.bytes().await.unwrap();
                    latencies.push(sent.elapsed());
                    failed += usize::from(!ok || body.is_empty());
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failed = 0;
    for task in tasks {
        let (latencies, f) = task.await.unwrap();
        all.extend(latencies);
        failed += f;
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let at = |q: f64| {
        let i = ((all.len() as f64 * q).ceil() as usize).clamp(1, all.len().max(1)) - 1;
        all.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        requests: all.len(),
        failed,
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// Whether wrk can be run.
pub async fn wrk_installed() -> bool {
    tokio::process::Command::new("wrk").arg("--version").output().await.is_ok()
}

/// `wrk -t2 -c{clients}` for `secs` seconds, its requests going round `paths`.
pub async fn drive_wrk(
    target: &Target<'_>,
    paths: &[String],
    clients: usize,
    secs: usize,
) -> Figures {
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = format!(
        "local paths = {{ {} }}\nlocal i = 0\nwrk.headers[\"Authorization\"] = \"Bearer {}\"\n\
         request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
        list.join(", "),
        target.token
    );
    let file = std::env::temp_dir().join(format!("bench-load-{}.lua", std::process::id()));
    std::fs::write(&file, script).unwrap();
    let out = tokio::process::Command::new("wrk")
        .args(["-t2", &format!("-c{clients}"), &format!("-d{secs}s"), "--latency", "-s"])
        .arg(&file)
        .arg(target.base)
        .output()
        .await
        .unwrap();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |prefix: &str| {
        text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_owned()))
    };
    let requests = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in ").map(|(n, _)| n.trim().to_owned()))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let failed = field("Non-2xx or 3xx responses:").and_then(|n| n.parse().ok()).unwrap_or(0);
    Figures {
        requests,
        failed,
        per_sec: field("Requests/sec:").and_then(|n| n.parse().ok()).unwrap_or(f64::NAN),
        p50_ms: field("50%").map_or(f64::NAN, |v| wrk_ms(&v)),
        p99_ms: field("99%").map_or(f64::NAN, |v| wrk_ms(&v)),
    }
}

/// A wrk duration (`812.00us`, `6.70ms`, `1.02s`) in milliseconds.
fn wrk_ms(value: &str) -> f64 {
    let split = value.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => n,
    }
}
