//! What goes on the wire, seen by a local server that records each request: the source's
//! own token and `Prefer: IdType="ImmutableId"` on every request, later pages included
//! (graph-rs-sdk's paging would drop per-request headers there); a body answered in HTML
//! though text was preferred.

use serde_json::json;
use switchboard_graph::{GraphConfig, GraphSources};
use switchboard_ports::mail::{MailSource, SyncFrom};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread")]
async fn every_request_carries_the_token_and_immutable_ids_later_pages_included() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let server = MockServer::start().await;
    let base = format!("{}/v1.0", server.uri());
    let folder = |id: &str| json!({"id": id, "displayName": "Inbox", "childFolderCount": 0});
    Mock::given(method("GET"))
        .and(path("/v1.0/me/mailFolders"))
        .and(query_param("$skip", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [folder("F2")]})))
        .with_priority(1)
        .mount(&server)
        .await;
    let next = format!("{base}/me/mailFolders?$skip=1");
    Mock::given(method("GET"))
        .and(path("/v1.0/me/mailFolders"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [folder("F1")], "@odata.nextLink": next})),
        )
        .mount(&server)
        .await;
    // Anything else (the well-known folders) is wiremock's bare 404: no role, no error.

    let sources = GraphSources::new(GraphConfig::new(base)).unwrap();
    let folders = sources.standalone("token-of-ada").folders().await.unwrap();
    let ids: Vec<&str> = folders.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["F1", "F2"]);
    assert!(folders.iter().all(|f| f.role.is_none()));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2 + 6, "two pages and six well-known folders");
    assert!(requests.iter().any(|r| r.url.query() == Some("$skip=1")), "the next link followed");
    for request in &requests {
        let auth: Vec<_> = request.headers.get_all("authorization").iter().collect();
        assert_eq!(auth, ["Bearer token-of-ada"], "{}", request.url);
        let prefer = request.headers.get("prefer").and_then(|v| v.to_str().ok());
        assert!(prefer.is_some_and(|p| p.contains(r#"IdType="ImmutableId""#)), "{}", request.url);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_answered_in_html_is_searched_by_its_text() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let server = MockServer::start().await;
    let base = format!("{}/v1.0", server.uri());
    let html = json!({
        "contentType": "html",
        "content": "<html><body><table><tr><td><p>Invoice&nbsp;42 is <b>due</b></p></td></tr>\
                    </table><style>p{}</style></body></html>"
    });
    let message = json!({
        "id": "M1", "conversationId": "C1", "parentFolderId": "F1", "subject": "Invoice",
        "receivedDateTime": "2026-11-30T09:00:00Z", "isRead": false, "body": html
    });
    // A server that ignores `Prefer: outlook.body-content-type="text"` answers HTML.
    Mock::given(method("GET"))
        .and(path("/v1.0/me/mailFolders/F1/messages/delta()"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [message],
            "@odata.deltaLink": format!("{base}/me/mailFolders/F1/messages/delta?$deltatoken=d1")
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/messages/M1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me/messages/M1/attachments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;

    let sources = GraphSources::new(GraphConfig::new(base)).unwrap();
    let source = sources.standalone("token-of-ada");
    let since = chrono::DateTime::UNIX_EPOCH;
    let page = source.changes(Some("F1"), SyncFrom::Window { since }).await.unwrap();
    let listed = page.upserted[0].body.clone().unwrap();
    assert_eq!(listed.text.as_deref(), Some("Invoice\u{a0}42 is due"));
    assert_eq!(listed.html, None, "a listing keeps no HTML");

    let read = source.message("M1").await.unwrap().body.unwrap();
    assert_eq!(read.text.as_deref(), Some("Invoice\u{a0}42 is due"));
    assert!(read.html.is_some_and(|h| h.contains("<b>due</b>")));
}
