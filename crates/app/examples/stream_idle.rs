//! Idle event-stream connections held by one `switchboard serve` process, and what they cost
//! it in memory. Start a server, then, with enough file descriptors on both sides:
//!
//! ```text
//! ulimit -n 65536 && SWITCHBOARD__SERVER__PORT=8000 switchboard serve &
//! ulimit -n 65536 && cargo run -p switchboard-app --example stream_idle -- \
//!     http://127.0.0.1:8000 "$(pgrep -n switchboard)" 10000
//! ```
//!
//! It registers a user, opens N `GET /api/stream` connections with its token (each waits for
//! the stream's opening comment, so every connection is subscribed), and prints the server's
//! resident memory (`VmRSS` in `/proc/<pid>/status`) before and after, and the difference per
//! connection. The connections stay open until the program ends.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a measurement program")]

use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server runs");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Opens a stream and reads until its opening comment.
async fn open(address: &str, host: &str, token: &str) -> TcpStream {
    let mut socket = TcpStream::connect(address).await.expect("connect");
    let request = format!(
        "GET /api/stream HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Accept: text/event-stream\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 1024];
    while !seen.windows(7).any(|w| w == b": open\n") {
        let n = socket.read(&mut buffer).await.unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..n]);
    }
    assert!(seen.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&seen));
    socket
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().unwrap_or_else(|| "http://127.0.0.1:8000".to_owned());
    let pid: u32 = args.next().expect("the server's pid").parse().unwrap();
    let count: usize = args.next().map_or(10_000, |n| n.parse().unwrap());
    let host = base.trim_start_matches("http://").trim_end_matches('/').to_owned();

    let client = reqwest::Client::new();
    let body = serde_json::json!({
        "email": format!("idle-{}@example.com", std::process::id()),
        "password": "correct horse battery staple",
    });
    let registered = client.post(format!("{base}/api/auth/register")).json(&body).send().await;
    assert!(registered.unwrap().status().is_success(), "registration");
    let login: serde_json::Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["access_token"].as_str().expect("a token").to_owned();

    let before = rss_kib(pid);
    let started = Instant::now();
    let mut connections = Vec::with_capacity(count);
    // A few hundred at a time: the listen backlog is finite.
    for chunk in (0..count).collect::<Vec<_>>().chunks(200) {
        let opening: Vec<_> = chunk
            .iter()
            .map(|_| {
                let (host, token) = (host.clone(), token.clone());
                tokio::spawn(async move { open(&host, &host, &token).await })
            })
            .collect();
        for task in opening {
            connections.push(task.await.unwrap());
        }
    }
    let after = rss_kib(pid);
    let per = (after.saturating_sub(before)) as f64 * 1024.0 / count as f64;
    println!(
        "{count} idle streams open in {:.1?}; server RSS {before} KiB before, {after} KiB after: \
         {per:.0} bytes per connection",
        started.elapsed()
    );
    drop(connections);
}
