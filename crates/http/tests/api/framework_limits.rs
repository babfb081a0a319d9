//! What a client gets for requests that actix-http's HTTP/1 codec refuses before the
//! application (and so the envelope middleware) sees them, and for the near misses that do
//! reach it: checked with raw requests against the server `serve` binds, over TCP.
//!
//! Refused by the codec, with an empty body (docs/architecture.md, "Requests"): a head over
//! 128 KiB (one 1 MB header, an over-long URI, 20,000 parameters of 8 bytes) or over 96 header lines
//! is 431; a request line that is not HTTP (a raw non-ASCII byte in the path) is 400.

use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard_http::{ServerOptions, serve};
use switchboard_memory::StaticReadiness;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::deps;

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn envelope(&self) -> Value {
        assert!(self.head.contains("content-type: application/json"), "{}", self.head);
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Sends `request` as it is and reads the answer until the server closes the connection.
async fn raw(address: std::net::SocketAddr, request: Vec<u8>) -> Answer {
    let stream = TcpStream::connect(address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // The server may answer and close before it has read all of a huge request: writing
    // fails then, which is part of what is tested, so the write runs on its own.
    let writing = tokio::spawn(async move {
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if !received.is_empty() => {
                eprintln!("read ended by {e} after the answer");
                break;
            }
            Err(e) => panic!("no answer: {e}"),
        }
    }
    drop(writing.await);
    let split = received.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head");
    let head = String::from_utf8_lossy(&received[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    Answer { status, head, body: received[split + 4..].to_vec() }
}

fn get(target: &[u8], headers: &str) -> Vec<u8> {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    request.extend_from_slice(headers.as_bytes());
    request.extend_from_slice(b"\r\n");
    request
}

async fn server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let options = ServerOptions { workers: 1, shutdown_timeout: Duration::from_secs(1) };
    let server = serve(listener, || deps(StaticReadiness::ready()), options).unwrap();
    tokio::spawn(server);
    address
}

async fn access_token(address: std::net::SocketAddr) -> String {
    let client = reqwest::Client::new();
    let credentials = json!({"email": "ada@example.org", "password": "correct horse"});
    let base = format!("http://{address}/api/auth");
    let status = client.post(format!("{base}/register")).json(&credentials).send().await.unwrap();
    assert_eq!(status.status(), 201);
    let login: Value = client
        .post(format!("{base}/login"))
        .json(&credentials)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["data"]["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_head_over_the_codecs_limit_is_431_without_an_envelope() {
    let address = server().await;
    let big_header = format!("X-Big: {}\r\n", "a".repeat(1024 * 1024));
    let many_headers: String = (0..100).map(|i| format!("X-H{i}: v\r\n")).collect();
    let long_uri = format!("/api/events?q={}", "a".repeat(200 * 1024));
    let many_params = format!("/api/events?{}", "model=x&".repeat(20_000));
    for (what, request) in [
        ("a 1 MB header", get(b"/version", &big_header)),
        ("100 header lines", get(b"/version", &many_headers)),
        ("a 200 KiB URI", get(long_uri.as_bytes(), "")),
        ("20,000 query parameters of 8 bytes", get(many_params.as_bytes(), "")),
    ] {
        let answer = raw(address, request).await;
        assert_eq!(answer.status, 431, "{what}: {}", answer.head);
        assert!(answer.body.is_empty(), "{what}: the codec writes no body");
    }
}

#[actix_web::test]
async fn a_request_line_that_is_not_http_is_400_without_an_envelope() {
    let address = server().await;
    let answer = raw(address, get(b"/api/\xff\xfe", "")).await;
    assert_eq!(answer.status, 400, "{}", answer.head);
    assert!(answer.body.is_empty());
}

#[actix_web::test]
async fn what_gets_past_the_codec_answers_in_the_envelope() {
    let address = server().await;
    let token = access_token(address).await;
    let auth = format!("Authorization: Bearer {token}\r\n");

    // 20,000 short parameters fit in the head (40 KB); 20,000 of `model=x` would not (160 KB).
    let many_params = format!("/api/events?{}", "a&".repeat(20_000));
    let answer = raw(address, get(many_params.as_bytes(), &auth)).await;
    assert_eq!(answer.status, 422, "{}", answer.head);
    let body = answer.envelope();
    assert_eq!(body["status"], "error");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("`a`"), "{body}");

    // Invalid UTF-8, percent-encoded, is decoded lossily: the path names nothing.
    let answer = raw(address, get(b"/api/chat/sources/%ff%fe", &auth)).await;
    assert_eq!(answer.status, 404, "{}", answer.head);
    assert_eq!(answer.envelope()["status"], "error");

    // A large header within the limit reaches the app.
    let answer =
        raw(address, get(b"/nope", &format!("X-Big: {}\r\n", "a".repeat(64 * 1024)))).await;
    assert_eq!(answer.status, 404, "{}", answer.head);
    assert_eq!(answer.envelope()["status"], "error");
}
