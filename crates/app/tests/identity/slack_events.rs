//! Slack's Events API end to end over PostgreSQL: the sandbox's fake Slack delivers signed
//! events over HTTP to `POST /api/chat/slack/events`, which applies them to the stored posts
//! of every account following the channel; forged, stale and unknown deliveries change nothing.

use std::net::TcpListener;

use actix_web::test::TestRequest;
use actix_web::{App, HttpServer, web};
use chrono::Utc;
use serde_json::{Value, json};
use switchboard_app::jobs::JobContext;
use switchboard_memory::ManualClock;
use switchboard_postgres::PgJobQueue;
use switchboard_sandbox::{NewPost, Provider, RunningSandbox, SLACK_TOKEN, Sandbox};
use switchboard_services::ChatService;
use switchboard_test_support::TestDb;

use crate::support::{PgTestPorts, call, config, count, identity, instance, run_jobs};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .seed(9)
        .now(Utc::now())
        .posts_per_channel(200)
        .people(12)
        .build()
        .start_local()
        .expect("the sandbox starts")
}

fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

/// A request to the events route signed with `secret` at `timestamp`.
fn signed(body: &Value, secret: &str, timestamp: i64) -> TestRequest {
    let body = body.to_string();
    let timestamp = timestamp.to_string();
    let signature = switchboard_slack::events::signature(secret, &timestamp, body.as_bytes());
    TestRequest::post()
        .uri("/api/chat/slack/events")
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("X-Slack-Request-Timestamp", timestamp))
        .insert_header(("X-Slack-Signature", signature))
        .set_payload(body)
}

async fn rows(db: &TestDb, id: &str) -> Vec<(String, bool)> {
    let client = db.client().await;
    let rows = client
        .query("SELECT text, deleted FROM chat_posts WHERE external_id = $1", &[&id])
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

#[actix_web::test]
async fn signed_slack_events_reach_every_follower_once_and_forgeries_nothing() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.chat.backfill_days = 31;
    config.chat.slack_signing_secret = SECRET.to_owned().into();
    let sandbox = sandbox();
    let clock = ManualClock::new(Utc::now());
    let app = instance(&db, &config, &clock).await;
    let ids = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let context = JobContext::new(&ids, &config).unwrap();
    let (queue, listener) = PgJobQueue::new(db.pool(), db.url());
    tokio::spawn(listener.run());

    // Two accounts follow the same workspace's channels.
    let (mut tokens, mut sources) = (Vec::new(), Vec::new());
    for email in ["ada@example.org", "bob@example.org"] {
        let body = json!({"email": email, "password": "correct horse battery"});
        let req = TestRequest::post().uri("/api/auth/register").set_json(&body);
        assert_eq!(call(&app, req).await.0, 201);
        let (_, _, login) =
            call(&app, TestRequest::post().uri("/api/auth/login").set_json(&body)).await;
        let token = login["data"]["access_token"].as_str().unwrap().to_owned();
        let body =
            json!({"kind": "slack", "token": SLACK_TOKEN, "base_url": sandbox.slack_base_url()});
        let req = bearer(TestRequest::post().uri("/api/chat/sources"), &token).set_json(body);
        let (s, _, source) = call(&app, req).await;
        assert_eq!(s, 201);
        sources.push(source["data"]["id"].as_str().unwrap().to_owned());
        tokens.push(token);
    }
    assert_eq!(run_jobs(&queue, &context).await, 2);

    // The route served over HTTP, with the service the app uses.
    let identity = identity(&db, &config, &clock);
    let chat = web::Data::new(ChatService::<PgTestPorts>::new(
        identity.uow.clone(),
        clock.clone(),
        identity.secrets.clone(),
        switchboard_app::chat::ProviderSources::new(&config.chat).unwrap(),
        switchboard_app::chat::policy(&config.chat),
    ));
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let url = format!("http://{}/api/chat/slack/events", listener.local_addr().unwrap());
    let server = HttpServer::new(move || {
        App::new().app_data(chat.clone()).route(
            "/api/chat/slack/events",
            web::post().to(switchboard_http::routes::chat::slack_events::receive::<PgTestPorts>),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);

    sandbox.send_slack_events_to(&url, SECRET);
    let channel =
        sandbox.channels(Provider::Slack).into_iter().find(|c| c.member && !c.archived).unwrap().id;
    let client = db.client().await;
    let stored: Vec<(String, Option<String>)> = client
        .query(
            "SELECT DISTINCT p.external_id, p.thread_root FROM chat_posts p
             JOIN chat_channels c ON c.id = p.channel_id
             WHERE c.external_id = $1 AND NOT p.deleted AND p.thread_root IS NULL
             ORDER BY p.external_id LIMIT 2",
            &[&channel],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let (edited, deleted) = (stored[0].0.clone(), stored[1].0.clone());
    let post = |text: &'static str, root: Option<&str>| {
        let new = NewPost { channel_id: &channel, text, user_id: None, root_id: root };
        sandbox.post(Provider::Slack, new).unwrap().id
    };
    let new = post("pushed by slack", None);
    let reply = post("a reply pushed by slack", Some(&edited));
    sandbox.edit_post(Provider::Slack, &channel, &edited, "edited, pushed").unwrap();
    sandbox.delete_post(Provider::Slack, &channel, &deleted).unwrap();
    let events_sql = "SELECT count(*) FROM events WHERE model_name = 'chat_channel'";
    let events_before = count(&db, events_sql).await;

    let statuses = sandbox.deliver_slack_events().await.unwrap();
    assert_eq!(statuses, [200, 200, 200, 200]);
    // Both followers' copies, at once: no sync ran.
    assert_eq!(rows(&db, &new).await, vec![("pushed by slack".to_owned(), false); 2]);
    assert_eq!(rows(&db, &reply).await.len(), 2);
    assert_eq!(rows(&db, &edited).await, vec![("edited, pushed".to_owned(), false); 2]);
    assert!(rows(&db, &deleted).await.iter().all(|(_, deleted)| *deleted));
    let events_after = count(&db, events_sql).await;
    assert_eq!(events_after - events_before, 8, "a `changed` event per change per follower");
    assert_eq!(count(&db, "SELECT count(*) FROM jobs").await, 0, "nothing enqueued");

    // Slack retries the last one: nothing more is written or recorded.
    assert_eq!(sandbox.redeliver_slack_event(1).await.unwrap(), Some(200));
    assert_eq!(count(&db, events_sql).await, events_after);
    handle.stop(true).await;

    // A post and a reply pushed while a sync lists the channel (stamped a minute after the
    // sync begins): neither its listing nor its read of the thread (which changed) shows
    // them, and neither retires them. Deliveries are signed at the server's clock.
    let now = switchboard_ports::Clock::now(&clock).timestamp();
    let during = Utc::now().timestamp() + 60;
    let pushed = |id: &str, text: &str, ts: String, root: Option<&str>| {
        let mut event = json!({"type": "message", "channel": channel, "user": "U1", "text": text,
                               "ts": ts});
        if let Some(root) = root {
            event["thread_ts"] = json!(root);
        }
        let body = json!({"type": "event_callback", "team_id": sandbox.slack_team_id(),
                          "event_id": id, "event": event});
        signed(&body, SECRET, now)
    };
    let (late, late_reply) = (format!("{during}.000100"), format!("{during}.000200"));
    let late_post = pushed("EvLate1", "pushed during a sync", late.clone(), None);
    assert_eq!(call(&app, late_post).await.0, 200);
    let late_reply_post =
        pushed("EvLate2", "a reply pushed during a sync", late_reply.clone(), Some(&edited));
    assert_eq!(call(&app, late_reply_post).await.0, 200);
    let sync = TestRequest::post().uri(&format!("/api/chat/sources/{}/sync", sources[0]));
    assert_eq!(call(&app, bearer(sync, &tokens[0])).await.0, 202);
    assert_eq!(run_jobs(&queue, &context).await, 1);
    for id in [&late, &late_reply] {
        let copies = rows(&db, id).await;
        assert_eq!(copies.len(), 2, "both followers' copies of {id}");
        assert!(copies.iter().all(|(_, deleted)| !deleted), "{id} kept by the sync: {copies:?}");
    }
    assert_eq!(rows(&db, &edited).await, vec![("edited, pushed".to_owned(), false); 2]);
    assert!(rows(&db, &deleted).await.iter().all(|(_, deleted)| *deleted));
    let events_after = count(&db, events_sql).await;

    // Forged, stale, unsigned: 401, and nothing changes.
    let event = |channel: &str, text: &str| {
        json!({
            "type": "event_callback", "team_id": sandbox.slack_team_id(), "event_id": "Ev1",
            "event": {"type": "message", "channel": channel, "user": "U1", "text": text,
                      "ts": "1700000000.000100"},
        })
    };
    let forged = signed(&event(&channel, "forged"), "another-secret", now);
    let (s, _, body) = call(&app, forged).await;
    assert_eq!(s, 401, "{body}");
    assert_eq!(body["status"], "error");
    let stale = signed(&event(&channel, "stale"), SECRET, now - 301);
    assert_eq!(call(&app, stale).await.0, 401);
    let unsigned = TestRequest::post()
        .uri("/api/chat/slack/events")
        .insert_header(("Content-Type", "application/json"))
        .set_payload(event(&channel, "unsigned").to_string());
    assert_eq!(call(&app, unsigned).await.0, 401);
    assert_eq!(rows(&db, "1700000000.000100").await, []);

    // A channel nobody follows, another workspace: received, nothing changes.
    let before = count(&db, "SELECT count(*) FROM chat_posts").await;
    let (s, _, body) = call(&app, signed(&event("C0NOBODY", "nobody"), SECRET, now)).await;
    assert_eq!((s, body["data"]["channels"].as_u64()), (200, Some(0)), "{body}");
    let mut elsewhere = event(&channel, "elsewhere");
    elsewhere["team_id"] = json!("T0ELSEWHERE");
    let (s, _, body) = call(&app, signed(&elsewhere, SECRET, now)).await;
    assert_eq!((s, body["data"]["written"].as_u64()), (200, Some(0)), "{body}");
    assert_eq!(count(&db, "SELECT count(*) FROM chat_posts").await, before);
    assert_eq!(count(&db, events_sql).await, events_after);

    // Slack checking the URL gets its challenge back; a signed body that is not an event, 400.
    let check = json!({"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"});
    let (s, _, body) = call(&app, signed(&check, SECRET, now)).await;
    assert_eq!(
        (s, &body["challenge"]),
        (200, &json!("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"))
    );
    let (s, _, _) = call(&app, signed(&json!([1, 2]), SECRET, now)).await;
    assert_eq!(s, 400);
    assert_eq!(tokens.len(), 2);
}
