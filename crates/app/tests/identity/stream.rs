//! The live event stream over PostgreSQL: resume across a restart, ownership, tickets, slow
//! clients, heartbeats. The response body is read in process, so "a client that does not read"
//! is one that does not poll the body.

use std::pin::Pin;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::test::TestRequest;
use serde_json::Value;
use switchboard_domain::{NewEvent, UserId};
use switchboard_memory::ManualClock;
use switchboard_ports::{Transaction, UnitOfWork};
use switchboard_postgres::{PgEventFeed, PgEventLog, PgUnitOfWork};
use switchboard_services::StreamHub;
use switchboard_test_support::TestDb;

use crate::oauth::{Service, bearer, sign_up};
use crate::support::{call, config, instance_with};

/// A safety net against a hang, never a timing assertion: every wait below ends on an event.
const PATIENCE: Duration = Duration::from_secs(60);

/// An SSE response body, read block by block.
struct Sse<B: MessageBody> {
    body: Pin<Box<B>>,
    buffer: String,
}

/// One SSE message: its `id`, `event` and parsed `data`.
#[derive(Debug, Clone, PartialEq)]
struct Message {
    id: String,
    event: String,
    data: Value,
}

impl<B: MessageBody> Sse<B> {
    /// The next block (the text before a blank line), or `None` when the stream ended.
    async fn block(&mut self) -> Option<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block = self.buffer[..end].to_owned();
                self.buffer.drain(..end + 2);
                return Some(block);
            }
            let chunk = tokio::time::timeout(
                PATIENCE,
                std::future::poll_fn(|cx| self.body.as_mut().poll_next(cx)),
            )
            .await
            .expect("the stream answers");
            match chunk {
                Some(Ok(bytes)) => self.buffer.push_str(std::str::from_utf8(&bytes).unwrap()),
                Some(Err(_)) => panic!("the body failed"),
                None => return None,
            }
        }
    }

    /// The next event message, skipping comments; `None` when the stream ended.
    async fn message(&mut self) -> Option<Message> {
        loop {
            let block = self.block().await?;
            if block.starts_with(':') {
                continue;
            }
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                    .unwrap_or_else(|| panic!("no {name} in {block}"))
                    .to_owned()
            };
            let data = serde_json::from_str(&field("data")).unwrap();
            return Some(Message { id: field("id"), event: field("event"), data });
        }
    }
}

/// `GET /api/stream` as `token`, resuming after `last` (header); the open stream.
async fn open<S: Service>(app: &S, token: &str, last: Option<&str>) -> Sse<S::Body> {
    let mut req = bearer(TestRequest::get().uri("/api/stream"), token)
        .insert_header(("Accept", "text/event-stream"));
    if let Some(last) = last {
        req = req.insert_header(("Last-Event-ID", last));
    }
    opened(app, req).await
}

async fn opened<S: Service>(app: &S, req: TestRequest) -> Sse<S::Body> {
    let res = actix_web::test::call_service(app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("content-type").unwrap(), "text/event-stream");
    let mut sse = Sse { body: Box::pin(res.into_body()), buffer: String::new() };
    assert_eq!(sse.block().await.as_deref(), Some(": open"));
    sse
}

async fn user_id(app: &impl Service, token: &str) -> UserId {
    let (_, _, me) = call(app, bearer(TestRequest::get().uri("/api/me"), token)).await;
    me["data"]["id"].as_str().unwrap().parse().unwrap()
}

/// Appends one transaction of `objects.len()` events owned by `owner`.
async fn append(db: &TestDb, owner: UserId, objects: &[&str]) {
    let events: Vec<NewEvent> = objects
        .iter()
        .map(|o| NewEvent::added("thing", *o, serde_json::json!({"name": o})).owned_by(Some(owner)))
        .collect();
    PgUnitOfWork::new(db.pool())
        .transact(move |tx| Box::pin(async move { tx.append_events(events).await }))
        .await
        .unwrap();
}

/// The fan-out's tasks over a database, as `serve` runs them; dropping this stops them.
struct Running(Vec<actix_web::rt::task::JoinHandle<()>>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.iter().for_each(actix_web::rt::task::JoinHandle::abort);
    }
}

/// A hub of `capacity` events per connection, running over `db` and started.
async fn running_hub(db: &TestDb, capacity: usize) -> (StreamHub, Running) {
    let hub = StreamHub::new(capacity);
    let (feed, listener) = PgEventFeed::new(db.pool(), db.url());
    let listening = actix_web::rt::spawn(listener.run());
    let reading =
        actix_web::rt::spawn(hub.run(PgEventLog::new(db.pool()), feed, Duration::from_secs(3600)));
    while hub.subscribe(UserId::new()).is_err() {
        tokio::task::yield_now().await;
    }
    (hub, Running(vec![listening, reading]))
}

/// Waits until the hub has handed out every event settled so far (the registrations), so a
/// stream opened now starts after them.
async fn caught_up(db: &TestDb, hub: &StreamHub) {
    use switchboard_ports::EventFeed;
    let tail = PgEventFeed::new(db.pool(), db.url()).0.tail().await.unwrap();
    while hub.position() < tail {
        tokio::task::yield_now().await;
    }
}

fn objects(messages: &[Message]) -> Vec<String> {
    messages.iter().map(|m| m.data["object_id"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_client_resumes_across_a_restart_without_missing_or_repeating_an_event() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::default();
    let (hub, running) = running_hub(&db, 64).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let token = sign_up(&app, "ada@example.com").await;
    let ada = user_id(&app, &token).await;
    caught_up(&db, &hub).await;

    let mut sse = open(&app, &token, None).await;
    append(&db, ada, &["1", "2"]).await;
    append(&db, ada, &["3"]).await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(sse.message().await.unwrap());
    }
    assert_eq!(objects(&seen), ["1", "2", "3"]);
    assert_eq!(seen[0].event, "thing.added");
    assert_eq!(seen[0].id, seen[0].data["cursor"].as_str().unwrap());

    // The server stops; events are written while it is down.
    drop(sse);
    drop(app);
    drop(running);
    drop(hub);
    append(&db, ada, &["4", "5"]).await;
    append(&db, ada, &["6"]).await;

    // A new server on the same database; the client reconnects with its last id.
    let (hub, _running) = running_hub(&db, 64).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let mut sse = open(&app, &token, Some(&seen[2].id)).await;
    let mut resumed = Vec::new();
    for _ in 0..3 {
        resumed.push(sse.message().await.unwrap());
    }
    // Then live, after the replay, without a gap or a repeat.
    append(&db, ada, &["7"]).await;
    resumed.push(sse.message().await.unwrap());
    assert_eq!(objects(&resumed), ["4", "5", "6", "7"]);
    let ids: Vec<_> = resumed
        .iter()
        .map(|m| m.id.parse::<switchboard_domain::EventPosition>().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in log order: {ids:?}");
    assert!(seen[2].id.parse::<switchboard_domain::EventPosition>().unwrap() < ids[0]);

    // `?last_event_id=` does the same for clients that cannot set the header.
    let req = bearer(
        TestRequest::get().uri(&format!("/api/stream?last_event_id={}", resumed[1].id)),
        &token,
    );
    let mut again = opened(&app, req).await;
    assert_eq!(
        objects(&[again.message().await.unwrap(), again.message().await.unwrap()]),
        ["6", "7"]
    );
}

#[actix_web::test]
async fn a_stream_never_shows_another_users_events() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::default();
    let (hub, _running) = running_hub(&db, 64).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let ada_token = sign_up(&app, "ada@example.com").await;
    let bob_token = sign_up(&app, "bob@example.com").await;
    let ada = user_id(&app, &ada_token).await;
    let bob = user_id(&app, &bob_token).await;
    caught_up(&db, &hub).await;

    let mut ada_sse = open(&app, &ada_token, None).await;
    append(&db, bob, &["bob-1"]).await;
    append(&db, ada, &["ada-1"]).await;
    let first = ada_sse.message().await.unwrap();
    assert_eq!(objects(&[first]), ["ada-1"]);

    // Replayed from the start of the log: still only bob's own events (the log also holds both
    // users' registrations).
    let mut bob_sse = open(&app, &bob_token, Some("0.0")).await;
    append(&db, ada, &["ada-2"]).await;
    append(&db, bob, &["bob-2"]).await;
    let mut bobs = Vec::new();
    while bobs.last().is_none_or(|m: &Message| m.data["object_id"] != "bob-2") {
        bobs.push(bob_sse.message().await.unwrap());
    }
    assert!(!bobs.is_empty());
    assert!(
        bobs.iter().all(|m| !m.data["object_id"].as_str().unwrap().starts_with("ada")),
        "{bobs:?}"
    );
    assert!(objects(&bobs).contains(&"bob-1".to_owned()));
}

#[actix_web::test]
async fn a_ticket_opens_one_stream_once_and_not_after_it_expires() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::default();
    let (hub, _running) = running_hub(&db, 64).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let token = sign_up(&app, "ada@example.com").await;
    let ada = user_id(&app, &token).await;

    let issue = || async {
        let (status, _, body) =
            call(&app, bearer(TestRequest::post().uri("/api/stream/ticket"), &token)).await;
        assert_eq!(status, 201);
        assert!(body["data"]["expires_at"].is_string());
        body["data"]["ticket"].as_str().unwrap().to_owned()
    };
    let by_ticket = |ticket: &str| TestRequest::get().uri(&format!("/api/stream?ticket={ticket}"));

    caught_up(&db, &hub).await;
    let ticket = issue().await;
    let mut sse = opened(&app, by_ticket(&ticket)).await;
    append(&db, ada, &["1"]).await;
    assert_eq!(objects(&[sse.message().await.unwrap()]), ["1"]);

    // Used once already.
    let (status, _, body) = call(&app, by_ticket(&ticket)).await;
    assert_eq!(status, 401);
    assert_eq!(body["status"], "error");
    // Never issued.
    assert_eq!(call(&app, by_ticket("not-a-ticket")).await.0, 401);
    // Expired.
    let ticket = issue().await;
    clock.advance(Duration::from_secs(config.stream.ticket_ttl_secs + 1));
    assert_eq!(call(&app, by_ticket(&ticket)).await.0, 401);
    // Stored only as a hash.
    let fresh = issue().await;
    let stored = crate::support::count(
        &db,
        &format!(
            "SELECT count(*) FROM stream_tickets WHERE ticket_hash = convert_to('{fresh}', 'UTF8')"
        ),
    )
    .await;
    assert_eq!(stored, 0);
}

#[actix_web::test]
async fn a_client_that_does_not_read_is_cut_off_and_resumes() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::default();
    let (hub, _running) = running_hub(&db, 2).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let token = sign_up(&app, "ada@example.com").await;
    let ada = user_id(&app, &token).await;
    caught_up(&db, &hub).await;

    let mut slow = open(&app, &token, None).await;
    let mut cut_offs = hub.cut_offs();
    append(&db, ada, &["1", "2", "3", "4", "5"]).await;
    // Nobody polls the body: the hub finds the connection's two places taken.
    tokio::time::timeout(PATIENCE, cut_offs.wait_for(|n| *n >= 1)).await.unwrap().unwrap();
    let mut got = Vec::new();
    while let Some(message) = slow.message().await {
        got.push(message);
    }
    assert_eq!(objects(&got), ["1", "2"], "what it held, then the end");

    // It resumes where it stopped.
    let mut sse = open(&app, &token, Some(&got[1].id)).await;
    let mut rest = Vec::new();
    for _ in 0..3 {
        rest.push(sse.message().await.unwrap());
    }
    assert_eq!(objects(&rest), ["3", "4", "5"]);
}

#[actix_web::test]
async fn an_idle_stream_gets_heartbeats() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.stream.heartbeat_secs = 1;
    let clock = ManualClock::default();
    let (hub, _running) = running_hub(&db, 8).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let token = sign_up(&app, "ada@example.com").await;
    let mut sse = open(&app, &token, None).await;
    // The sign-up's own event may not have reached the hub when the stream opens: it then
    // comes first (a stream without a cursor starts where the hub is), and nothing after it.
    let mut block = sse.block().await;
    if block.as_deref().is_some_and(|b| b.contains("\nevent: user.added\n")) {
        block = sse.block().await;
    }
    assert_eq!(block.as_deref(), Some(": heartbeat"));
}

#[actix_web::test]
async fn the_stream_needs_a_credential_or_a_ticket_and_a_cursor_it_made() {
    let db = TestDb::migrated().await;
    let config = config();
    let clock = ManualClock::default();
    let (hub, _running) = running_hub(&db, 8).await;
    let app = instance_with(&db, &config, &clock, hub.clone()).await;
    let (status, _, body) = call(
        &app,
        TestRequest::get().uri("/api/stream").insert_header(("Accept", "text/event-stream")),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (401, Some("error")));
    assert_eq!(call(&app, TestRequest::post().uri("/api/stream/ticket")).await.0, 401);
    let token = sign_up(&app, "ada@example.com").await;
    let req = bearer(TestRequest::get().uri("/api/stream"), &token)
        .insert_header(("Last-Event-ID", "nonsense"));
    let (status, _, body) = call(&app, req).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "last_event_id");
    assert_eq!(hub.connections(), 0, "refused requests subscribe nothing");
}
