//! What goes on the wire, seen by a local server that records each request's head: the
//! source's own token and `Prefer: IdType="ImmutableId"` on every request, later pages
//! included (graph-rs-sdk's paging would drop per-request headers there).

use std::sync::{Arc, Mutex};

use switchboard_graph::{GraphConfig, GraphSources};
use switchboard_ports::mail::MailSource;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers `/v1.0/me/mailFolders` in two pages and every well-known folder with a 404, one
/// request per connection; returns its address and the request heads seen.
async fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let base = format!("http://{}/v1.0", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let (seen, next) = (Arc::clone(&heads), format!("{base}/me/mailFolders?%24skip=1"));
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match tcp.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let line = head.lines().next().unwrap_or_default().to_owned();
            seen.lock().unwrap().push(head);
            let folder = r#"{"id":"F1","displayName":"Inbox","childFolderCount":0}"#;
            let (status, body) = if line.contains("skip=1") {
                ("200 OK", format!(r#"{{"value":[{}]}}"#, folder.replace("F1", "F2")))
            } else if line.contains("/me/mailFolders?") {
                ("200 OK", format!(r#"{{"value":[{folder}],"@odata.nextLink":"{next}"}}"#))
            } else {
                ("404 Not Found", r#"{"error":{"code":"ErrorItemNotFound","message":"no"}}"#.into())
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tcp.write_all(answer.as_bytes()).await;
        }
    });
    (base, heads)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_request_carries_the_token_and_immutable_ids_later_pages_included() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let (base, heads) = recording_server().await;
    let sources = GraphSources::new(GraphConfig::new(base)).unwrap();
    let folders = sources.source("token-of-ada").folders().await.unwrap();
    let ids: Vec<&str> = folders.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["F1", "F2"]);
    assert!(folders.iter().all(|f| f.role.is_none()));

    let heads = heads.lock().unwrap();
    assert_eq!(heads.len(), 2 + 6, "two pages and six well-known folders");
    assert!(heads.iter().any(|h| h.contains("skip=1")), "the next link was followed");
    for head in heads.iter() {
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("\r\nauthorization: bearer token-of-ada\r\n"), "{head}");
        assert_eq!(lower.matches("\r\nauthorization:").count(), 1, "{head}");
        assert!(head.contains(r#"IdType="ImmutableId""#), "{head}");
    }
}
