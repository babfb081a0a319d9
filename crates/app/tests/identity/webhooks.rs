//! Webhook deliveries over PostgreSQL to a local receiver (wiremock) through the binary's
//! reqwest sender: signed (checked by Python's `hmac`, an implementation of its own), in event
//! order, retried with backoff while the head blocks the rest, dead-lettered and the webhook
//! disabled after a day. Time is the manual clock's; nothing sleeps.

use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::test::TestRequest;
use serde_json::{Value, json};
use switchboard_app::webhooks::{HttpWebhookSender, policy};
use switchboard_domain::webhooks::WebhookId;
use switchboard_memory::ManualClock;
use switchboard_ports::Clock;
use switchboard_services::webhooks::WebhookDispatcher;
use switchboard_test_support::TestDb;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::seed::{login, member};
use crate::support::{PgTestPorts, call, config, identity, instance};

/// Answers the scripted statuses in turn, then 200.
struct Scripted(Arc<Mutex<VecDeque<u16>>>);

impl Respond for Scripted {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(self.0.lock().unwrap().pop_front().unwrap_or(200))
    }
}

async fn receiver(script: &[u16]) -> MockServer {
    let server = MockServer::start().await;
    let script = Arc::new(Mutex::new(script.iter().copied().collect()));
    Mock::given(method("POST")).respond_with(Scripted(script)).mount(&server).await;
    server
}

fn header(request: &Request, name: &str) -> String {
    request.headers.get(name).unwrap().to_str().unwrap().to_owned()
}

/// Whether Python's `hmac` accepts `signature` for `body` under `secret`; `None` without
/// python3.
fn python_verifies(secret: &str, signature: &str, body: &[u8]) -> Option<bool> {
    const CHECK: &str = "import hashlib, hmac, sys\n\
        secret, header = sys.argv[1], sys.argv[2]\n\
        body = sys.stdin.buffer.read()\n\
        parts = dict(p.split('=', 1) for p in header.split(','))\n\
        mac = hmac.new(secret.encode(), parts['t'].encode() + b'.' + body, hashlib.sha256)\n\
        print(hmac.compare_digest(mac.hexdigest(), parts['v1']))";
    let child = std::process::Command::new("python3")
        .args(["-c", CHECK, secret, signature])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("python3: {e}"),
    };
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap().trim() == "True")
}

/// The dispatcher the binary's jobs use, over `db`, on `clock`.
fn dispatcher(
    db: &TestDb,
    config: &switchboard_app::config::Config,
    clock: &ManualClock,
) -> WebhookDispatcher<PgTestPorts, HttpWebhookSender> {
    let ids = identity(db, config, clock);
    WebhookDispatcher::new(
        ids.uow.clone(),
        clock.clone(),
        ids.secrets.clone(),
        HttpWebhookSender::new(&config.webhooks).unwrap(),
        policy(&config.webhooks),
    )
}

fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

/// Creates a webhook to `url`; its id and secret.
async fn webhook(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    url: String,
    events: Value,
) -> (WebhookId, String) {
    let req =
        TestRequest::post().uri("/api/webhooks").set_json(json!({"url": url, "events": events}));
    let (s, _, body) = call(app, bearer(req, token)).await;
    assert_eq!(s, 201, "{body}");
    let id = body["data"]["webhook"]["id"].as_str().unwrap().parse().unwrap();
    (id, body["data"]["secret"].as_str().unwrap().to_owned())
}

async fn api_key(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    name: &str,
) {
    let req = TestRequest::post()
        .uri("/api/api-keys")
        .set_json(json!({"name": name, "scopes": ["read"]}));
    let (s, _, body) = call(app, bearer(req, token)).await;
    assert_eq!(s, 201, "{body}");
}

fn event_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[actix_web::test]
async fn deliveries_are_signed_in_event_order_and_python_verifies_them() {
    let (db, clock, config) = (TestDb::migrated().await, ManualClock::default(), config());
    let app = instance(&db, &config, &clock).await;
    let (_, token) = member(&app, "ada@example.org").await;
    let dispatcher = dispatcher(&db, &config, &clock);
    let server = receiver(&[]).await;
    let (id, secret) =
        webhook(&app, &token, format!("{}/in", server.uri()), json!(["api_key.added"])).await;
    for name in ["k1", "k2", "k3"] {
        api_key(&app, &token, name).await;
    }
    assert!(dispatcher.dispatch().await.unwrap() >= 3);
    let outcome = dispatcher.deliver(id).await.unwrap();
    assert_eq!((outcome.delivered, outcome.failed), (3, 0));

    let received = server.received_requests().await.unwrap();
    let names: Vec<Value> =
        received.iter().map(|r| event_of(r)["data"]["event"]["snapshot"]["name"].clone()).collect();
    assert_eq!(names, [json!("k1"), json!("k2"), json!("k3")], "event order");
    let mut python = None;
    for request in &received {
        let body = event_of(request);
        assert_eq!(body["status"], "success");
        assert_eq!(body["message"], "api_key.added");
        assert_eq!(header(request, "content-type"), "application/json");
        assert_eq!(header(request, "x-switchboard-event-id"), body["data"]["event"]["id"]);
        assert_eq!(header(request, "x-switchboard-delivery-id"), body["data"]["delivery_id"]);
        let signature = header(request, "x-switchboard-signature");
        let t: i64 =
            signature.strip_prefix("t=").unwrap().split(',').next().unwrap().parse().unwrap();
        assert_eq!(t, clock.now().timestamp(), "signed at the clock's time");
        python = python_verifies(&secret, &signature, &request.body);
        if let Some(verified) = python {
            assert!(verified, "Python's hmac refuses {signature}");
            let mut tampered = request.body.clone();
            tampered.push(b' ');
            assert_eq!(python_verifies(&secret, &signature, &tampered), Some(false));
            assert_eq!(python_verifies("whsec_other", &signature, &request.body), Some(false));
        }
    }
    if python.is_none() {
        println!("skipped the independent signature check: python3 is not installed");
    }

    let uri = format!("/api/webhooks/{id}/deliveries");
    let (s, _, page) = call(&app, bearer(TestRequest::get().uri(&uri), &token)).await;
    assert_eq!(s, 200, "{page}");
    let deliveries = page["data"]["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 3);
    for d in deliveries {
        assert_eq!(d["state"], "delivered");
        assert_eq!(d["attempt_log"][0]["status_code"], 200);
        assert_eq!(d["attempt_log"].as_array().unwrap().len(), 1);
    }
    let again = dispatcher.deliver(id).await.unwrap();
    assert_eq!(again.delivered, 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "each sent once");
}

#[actix_web::test]
async fn a_failing_head_blocks_is_retried_then_dead_and_the_webhook_disabled() {
    let (db, clock, config) = (TestDb::migrated().await, ManualClock::default(), config());
    let app = instance(&db, &config, &clock).await;
    let (_, token) = member(&app, "ada@example.org").await;
    let dispatcher = dispatcher(&db, &config, &clock);
    let server = receiver(&[500, 500, 503]).await;
    let (id, _) = webhook(&app, &token, format!("{}/in", server.uri()), json!(["api_key.*"])).await;
    api_key(&app, &token, "first").await;
    api_key(&app, &token, "second").await;
    dispatcher.dispatch().await.unwrap();
    let start = clock.now();

    let first = dispatcher.deliver(id).await.unwrap();
    assert_eq!((first.delivered, first.failed), (0, 1));
    assert_eq!(first.next_run_at, Some(start + chrono::TimeDelta::seconds(30)));
    let early = dispatcher.deliver(id).await.unwrap();
    // The store keeps microseconds; the manual clock has nanoseconds.
    let micros = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| chrono::SubsecRound::trunc_subsecs(t, 6))
    };
    assert_eq!(
        (early.failed, micros(early.next_run_at)),
        (0, micros(first.next_run_at)),
        "not due yet"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "the second one waits");

    clock.advance(Duration::from_secs(30));
    let second = dispatcher.deliver(id).await.unwrap();
    assert_eq!(second.failed, 1);
    assert_eq!(second.next_run_at, Some(clock.now() + chrono::TimeDelta::seconds(60)), "doubled");

    clock.advance(Duration::from_secs(25 * 3600));
    let last = dispatcher.deliver(id).await.unwrap();
    assert_eq!((last.failed, last.dead, last.disabled, last.delivered), (1, 1, true, 0));
    let received = server.received_requests().await.unwrap();
    let ids: Vec<String> =
        received.iter().map(|r| header(r, "x-switchboard-delivery-id")).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|d| *d == ids[0]), "only the head was tried: {ids:?}");
    assert_eq!(event_of(&received[0])["data"]["event"]["snapshot"]["name"], "first");

    // A day later: the morning's access token has expired.
    let token = login(&app, "ada@example.org").await;
    let uri = format!("/api/webhooks/{id}");
    let (_, _, hook) = call(&app, bearer(TestRequest::get().uri(&uri), &token)).await;
    assert_eq!(hook["data"]["enabled"], false);
    let events_uri = format!("/api/events?model=webhook&object_id={id}");
    let (_, _, events) = call(&app, bearer(TestRequest::get().uri(&events_uri), &token)).await;
    let disabling: Vec<&Value> = events["data"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "changed" && e["attribute_name"] == "enabled")
        .collect();
    assert_eq!(disabling.len(), 1, "{events}");
    assert_eq!(
        (disabling[0]["old_value"].as_str(), disabling[0]["new_value"].as_str()),
        (Some("true"), Some("false"))
    );

    let (_, _, page) =
        call(&app, bearer(TestRequest::get().uri(&format!("{uri}/deliveries")), &token)).await;
    let deliveries = page["data"]["deliveries"].as_array().unwrap();
    assert_eq!(deliveries[0]["state"], "pending", "the second, never tried");
    assert_eq!(deliveries[0]["attempts"], 0);
    assert_eq!(deliveries[1]["state"], "dead");
    let codes: Vec<&Value> = deliveries[1]["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(codes, [&json!(503), &json!(500), &json!(500)], "newest first");
    assert!(deliveries[1]["attempt_log"][0]["error"].as_str().unwrap().contains("503"));
    assert!(deliveries[1]["attempt_log"][0]["latency_ms"].is_u64());

    let idle = dispatcher.deliver(id).await.unwrap();
    assert_eq!((idle.delivered, idle.failed), (0, 0), "a disabled webhook sends nothing");
    let enable = TestRequest::patch().uri(&uri).set_json(json!({"enabled": true}));
    let (s, _, _) = call(&app, bearer(enable, &token)).await;
    assert_eq!(s, 200);
    let resumed = dispatcher.deliver(id).await.unwrap();
    assert_eq!(resumed.delivered, 1);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 4);
    assert_eq!(event_of(&received[3])["data"]["event"]["snapshot"]["name"], "second");
}
