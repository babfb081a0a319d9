//! The stats routes over PostgreSQL: shapes, windows, errors and ownership, with posts written
//! as a sync writes them and the statistics brought up to date by the stats service.

use actix_web::test::TestRequest;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde_json::{Value, json};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_sources::ChannelId;
use switchboard_memory::ManualClock;
use switchboard_postgres::PgUnitOfWork;
use switchboard_services::StatsService;
use switchboard_test_support::TestDb;

use crate::seed::{channels, ingest, member, post};
use crate::support::{PgTestPorts, call, config, instance};

/// Half past the current hour, so posts land in known hourly buckets.
pub fn half_past() -> DateTime<Utc> {
    Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap() + TimeDelta::minutes(30)
}

pub fn stats_service(db: &TestDb, clock: &ManualClock) -> StatsService<PgTestPorts> {
    let policy = switchboard_app::ports::stats_policy(&config().stats);
    let pool = switchboard_app::ports::analytics_pool().unwrap();
    StatsService::new(PgUnitOfWork::new(db.pool()), clock.clone(), policy, pool)
}

/// The past day of `general`: a database migration discussed by ada (3 posts), bob (2) and
/// cyd (1); two posts in the current hour. Before it, a week of standup notes.
pub fn general(now: DateTime<Utc>) -> Vec<ChatPost> {
    let m = TimeDelta::minutes;
    let mut posts = vec![
        post("g1", "ada", "The database migration starts at noon.", now - m(300)),
        post("g2", "bob", "Is the database migration reversible?", now - m(240)),
        post("g3", "ada", "The database migration has a rollback script.", now - m(180)),
        post("g4", "bob", "I reviewed the database migration plan, looks good.", now - m(60)),
        post("g5", "cyd", "Standup notes are in the wiki.", now - m(25)),
        post("g6", "ada", "Lunch anyone?", now - m(10)),
    ];
    for day in 2..8 {
        let at = now - TimeDelta::days(day);
        posts.push(post(&format!("h{day}"), "cyd", "Standup notes are in the wiki.", at));
        let text = "The coffee machine is broken again.";
        posts.push(post(&format!("c{day}"), "dan", text, at + m(5)));
    }
    posts
}

/// `n` posts at `at`.
pub fn burst(prefix: &str, n: usize, at: DateTime<Utc>) -> Vec<ChatPost> {
    (0..n).map(|i| post(&format!("{prefix}{i}"), "eve", "release party tonight", at)).collect()
}

fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

fn get(uri: &str, token: &str) -> TestRequest {
    bearer(TestRequest::get().uri(uri), token)
}

fn post_json(uri: &str, token: &str, body: Value) -> TestRequest {
    bearer(TestRequest::post().uri(uri), token).set_json(body)
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// ada's channels: `general` (the past day above), `random` (a burst of 4 posts three days
/// and two hours ago), `archive` (unfollowed, 10 posts this hour); ada's id and token.
async fn seeded(
    db: &TestDb,
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    now: DateTime<Utc>,
) -> (UserId, String, Vec<ChannelId>) {
    let (ada, token) = member(app, "ada@example.org").await;
    let ids = channels(db, ada, &["general", "random", "archive"]).await;
    let uow = PgUnitOfWork::new(db.pool());
    ingest(&uow, ada, ids[0], general(now)).await;
    let burst_at = now - TimeDelta::days(3) - TimeDelta::hours(2);
    ingest(&uow, ada, ids[1], burst("r", 4, burst_at)).await;
    ingest(&uow, ada, ids[2], burst("a", 10, now - TimeDelta::minutes(5))).await;
    let unfollow = format!("UPDATE chat_channels SET followed = false WHERE id = '{}'", ids[2]);
    db.client().await.batch_execute(&unfollow).await.unwrap();
    (ada, token, ids)
}

fn rates(body: &Value) -> Vec<f64> {
    body["data"].as_array().unwrap().iter().map(|p| p["rate"].as_f64().unwrap()).collect()
}

#[actix_web::test]
async fn every_stats_route_answers_the_original_shapes() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (_, token, ids) = seeded(&db, &app, now).await;
    stats_service(&db, &clock).update().await.unwrap();
    let general = ids[0];
    let this_hour = now.duration_trunc(TimeDelta::hours(1)).unwrap();

    // Pulse of one channel: 168 hours, the last this one (2 posts: rate 1), 1 post: 0.5.
    let (s, _, body) = call(&app, get(&format!("/api/stats/pulse/{general}"), &token)).await;
    assert_eq!(s, 200, "{body}");
    let points = body["data"].as_array().unwrap();
    assert_eq!(points.len(), 168);
    assert_eq!(points[167], json!({"rate": 1.0, "time": iso(this_hour)}));
    assert_eq!(points[0]["time"], iso(this_hour - TimeDelta::hours(167)));
    let general_rates = rates(&body);
    assert_eq!(general_rates[162], 0.5);
    assert!(general_rates.iter().all(|r| (0.0..=1.0).contains(r)));

    // Pulse of every followed channel: random's burst (4) is the busiest hour; the
    // unfollowed archive's 10 posts of this hour do not count.
    let (s, _, body) = call(&app, get("/api/stats/pulse", &token)).await;
    assert_eq!(s, 200, "{body}");
    let all = rates(&body);
    assert_eq!(all.len(), 168);
    assert_eq!(all[167], 0.5);
    assert_eq!(all[167 - 74], 1.0);

    let (s, _, body) = call(&app, get(&format!("/api/stats/most_active/{general}"), &token)).await;
    assert_eq!((s, &body["data"]), (200, &json!(["ada", "bob", "cyd"])), "{body}");

    let (s, _, body) = call(&app, get(&format!("/api/stats/hot_topics/{general}"), &token)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"][0], "database migration", "{body}");
    assert!(body["data"].as_array().unwrap().iter().all(Value::is_string));

    let uri = format!("/api/stats/representative_messages/{general}");
    let (s, _, body) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let picked = body["data"].as_array().unwrap();
    assert!((1..=5).contains(&picked.len()), "{body}");
    for m in picked {
        let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["message", "username"], "{m}");
    }
    assert!(picked.iter().any(|m| m["message"].as_str().unwrap().contains("database migration")));

    let (s, _, body) = call(&app, get(&format!("/api/stats/summary/{general}"), &token)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"].as_object().unwrap().len(), 1);
    assert!(body["data"]["summary"].as_str().unwrap().contains("database migration"), "{body}");

    // Since a time: ten days back reaches the standup notes and the coffee machine too.
    let since = json!({"time": iso(now - TimeDelta::days(10))});
    let (s, _, body) = call(&app, post_json(&uri, &token, since.clone())).await;
    assert_eq!(s, 200, "{body}");
    let texts: Vec<&str> =
        body["data"].as_array().unwrap().iter().map(|m| m["message"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.contains("coffee") || t.contains("Standup")), "{texts:?}");
    let summary = format!("/api/stats/summary/{general}");
    let (s, _, body) = call(&app, post_json(&summary, &token, since)).await;
    assert_eq!(s, 200, "{body}");
    assert!(!body["data"]["summary"].as_str().unwrap().is_empty(), "{body}");
}

#[actix_web::test]
async fn a_bad_time_is_422_on_time_and_an_empty_window_an_empty_answer() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token, ids) = seeded(&db, &app, now).await;
    let general = ids[0];
    for route in ["representative_messages", "summary"] {
        let uri = format!("/api/stats/{route}/{general}");
        for body in [json!({}), json!({"time": ""}), json!({"time": "last tuesday"})] {
            let (s, _, err) = call(&app, post_json(&uri, &token, body)).await;
            assert_eq!(s, 422, "{err}");
            assert_eq!(err["errors"][0]["field"], "time", "{err}");
        }
    }

    // A future time: nothing to say, no error.
    let future = json!({"time": iso(now + TimeDelta::hours(1))});
    let uri = format!("/api/stats/representative_messages/{general}");
    let (s, _, body) = call(&app, post_json(&uri, &token, future.clone())).await;
    assert_eq!((s, &body["data"]), (200, &json!([])), "{body}");
    let summary = format!("/api/stats/summary/{general}");
    let (s, _, body) = call(&app, post_json(&summary, &token, future)).await;
    assert_eq!((s, &body["data"]), (200, &json!({"summary": ""})), "{body}");

    // Older than 30 days: the same as 30 days.
    for uri in [&uri, &summary] {
        let (_, _, capped) =
            call(&app, post_json(uri, &token, json!({"time": "2001-01-01T00:00:00Z"}))).await;
        let month = json!({"time": iso(now - TimeDelta::days(30))});
        let (_, _, month) = call(&app, post_json(uri, &token, month)).await;
        assert_eq!(capped["data"], month["data"]);
    }

    // A channel without posts: empty lists, an empty summary, a flat pulse.
    let quiet = channels(&db, ada, &["quiet"]).await[0];
    for (route, empty) in [
        ("most_active", json!([])),
        ("hot_topics", json!([])),
        ("representative_messages", json!([])),
        ("summary", json!({"summary": ""})),
    ] {
        let (s, _, body) = call(&app, get(&format!("/api/stats/{route}/{quiet}"), &token)).await;
        assert_eq!((s, &body["data"]), (200, &empty), "{route}: {body}");
    }
    let (_, _, body) = call(&app, get(&format!("/api/stats/pulse/{quiet}"), &token)).await;
    let flat = rates(&body);
    assert_eq!(flat.len(), 168);
    assert!(flat.iter().all(|r| *r == 0.0));
}

#[actix_web::test]
async fn another_user_gets_404_on_every_stats_route_of_the_first_users_channel() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (_, ada, ids) = seeded(&db, &app, now).await;
    let (_, eve) = member(&app, "eve@example.org").await;

    // Every route of the document that takes a channel, in every method it has.
    let (_, _, doc) = call(&app, TestRequest::get().uri("/openapi.json")).await;
    let mut routes: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.starts_with("/api/stats/") && path.contains("{channel_id}") {
            routes.extend(item.as_object().unwrap().keys().map(|m| (m.clone(), path.clone())));
        }
    }
    assert_eq!(routes.len(), 7, "{routes:?}");
    let request = |method: &str, path: &str, id: &str, token: &str| {
        let uri = path.replace("{channel_id}", id);
        match method {
            "get" => get(&uri, token),
            _ => post_json(&uri, token, json!({"time": iso(now - TimeDelta::days(2))})),
        }
    };
    let general = ids[0].to_string();
    for (method, path) in &routes {
        let (s, _, body) = call(&app, request(method, path, &general, &ada)).await;
        assert_eq!(s, 200, "the owner: {method} {path}: {body}");
        for id in [general.clone(), ChannelId::new().to_string(), "not-a-uuid".to_owned()] {
            let (s, _, body) = call(&app, request(method, path, &id, &eve)).await;
            assert_eq!(s, 404, "{method} {path} {id}: {body}");
            assert_eq!(body["message"], "no such channel", "{body}");
        }
    }

    // Eve's own pulse and login see none of ada's posts or channels.
    let (_, _, body) = call(&app, get("/api/stats/pulse", &eve)).await;
    assert!(rates(&body).iter().all(|r| *r == 0.0));
    let login = json!({"username": "eve@example.org", "password": "correct horse battery"});
    let (s, _, body) = call(&app, TestRequest::post().uri("/api/auth").set_json(login)).await;
    assert_eq!((s, &body["data"]["channels"]), (200, &json!([])), "{body}");
}

#[actix_web::test]
async fn the_original_login_answers_token_channels_and_pulse() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (_, token, ids) = seeded(&db, &app, now).await;
    let login = |username: &str, password: &str| {
        TestRequest::post()
            .uri("/api/auth")
            .set_json(json!({"username": username, "password": password}))
    };
    let (s, _, body) = call(&app, login("ada@example.org", "correct horse battery")).await;
    assert_eq!(s, 200, "{body}");
    let data = &body["data"];
    // Followed channels only, by name.
    let expected = json!([
        {"id": ids[0].to_string(), "name": "general"},
        {"id": ids[1].to_string(), "name": "random"},
    ]);
    assert_eq!(data["channels"], expected);
    let (_, _, pulse) = call(&app, get("/api/stats/pulse", &token)).await;
    assert_eq!(data["pulse"], pulse["data"]);
    let fresh = data["token"].as_str().unwrap();
    let (s, _, me) = call(&app, get("/api/me", fresh)).await;
    assert_eq!((s, &me["data"]["email"]), (200, &json!("ada@example.org")), "{me}");
    assert!(data["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));

    for (username, password) in [
        ("ada@example.org", "wrong horse battery"),
        ("nobody@example.org", "correct horse battery"),
    ] {
        let (s, _, body) = call(&app, login(username, password)).await;
        assert_eq!(s, 401, "{body}");
        assert_eq!(body["message"], "invalid email or password");
    }
}

#[actix_web::test]
async fn statistics_never_computed_are_computed_and_stored_on_first_read() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (_, token, ids) = seeded(&db, &app, now).await;
    let count = "SELECT count(*) FROM chat_channel_stats";
    let stored =
        || async { db.client().await.query_one(count, &[]).await.unwrap().get::<_, i64>(0) };
    assert_eq!(stored().await, 0, "the consumer has not run");
    let (s, _, body) = call(&app, get(&format!("/api/stats/most_active/{}", ids[0]), &token)).await;
    assert_eq!((s, &body["data"]), (200, &json!(["ada", "bob", "cyd"])), "{body}");
    assert_eq!(stored().await, 1, "stored for the next reads");

    // Past their age they are computed again: the window has moved on, ada's posts have left it.
    clock.advance(std::time::Duration::from_secs(2 * 24 * 3600));
    let login = json!({"username": "ada@example.org", "password": "correct horse battery"});
    let (_, _, login) = call(&app, TestRequest::post().uri("/api/auth").set_json(login)).await;
    let token = login["data"]["token"].as_str().unwrap();
    let (s, _, body) = call(&app, get(&format!("/api/stats/most_active/{}", ids[0]), token)).await;
    assert_eq!((s, &body["data"]), (200, &json!([])), "{body}");
}

/// The posts counted by a pulse.
fn counted(points: &[switchboard_domain::analytics::PulsePoint]) -> u64 {
    points.iter().map(|p| p.count).sum()
}

#[actix_web::test]
async fn a_kept_pulse_is_served_until_the_channels_posts_change_or_the_hour_turns() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, _, ids) = seeded(&db, &app, now).await;
    let stats = stats_service(&db, &clock);
    let uow = PgUnitOfWork::new(db.pool());
    let general = ids[0];
    let first = stats.channel_pulse(ada, general).await.unwrap();
    // The 168 hours ending with this one: six posts of the past day, two on days 2 to 6 ago
    // (those of day 7 started before the window).
    assert_eq!(counted(&first), 16);

    // The rollup changed behind the counter's back: the kept pulse is what is served.
    let tamper = format!(
        "UPDATE chat_post_hours SET posts = posts + 100 WHERE channel_id = '{general}' \
         AND hour = date_bin('1 hour', now(), timestamptz '2000-01-01 00:00:00+00')"
    );
    let client = db.client().await;
    client.batch_execute(&tamper).await.unwrap();
    assert_eq!(stats.channel_pulse(ada, general).await.unwrap(), first);

    // Posts written through the store raise the counter: the pulse is read again.
    ingest(&uow, ada, general, burst("n", 3, now)).await;
    let after = stats.channel_pulse(ada, general).await.unwrap();
    assert_eq!(counted(&after), 16 + 3 + 100, "the new posts and the tampered hour");

    // Writing the same posts again changes nothing, so the kept pulse stays.
    client.batch_execute(&tamper.replace("+ 100", "- 100")).await.unwrap();
    ingest(&uow, ada, general, burst("n", 3, now)).await;
    assert_eq!(stats.channel_pulse(ada, general).await.unwrap(), after, "nothing was written");

    // A deletion is a change.
    let mut gone = post("g6", "ada", "Lunch anyone?", now - TimeDelta::minutes(10));
    gone.deleted = true;
    ingest(&uow, ada, general, vec![gone]).await;
    assert_eq!(counted(&stats.channel_pulse(ada, general).await.unwrap()), 16 + 3 - 1);

    // The next hour is another window, whatever the counter says.
    clock.advance(std::time::Duration::from_secs(3600));
    let next = stats.channel_pulse(ada, general).await.unwrap();
    assert_eq!(next.first().unwrap().time, first[1].time, "the window moved by one hour");

    // And the counter is read with the owner: another user's request is still refused.
    let (eve, _) = member(&app, "eve@example.org").await;
    let refused = stats.channel_pulse(eve, general).await;
    assert!(
        matches!(refused, Err(switchboard_services::StatsError::ChannelNotFound)),
        "{refused:?}"
    );
}

#[actix_web::test]
async fn a_kept_page_of_posts_is_served_until_the_channels_posts_change() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token, ids) = seeded(&db, &app, now).await;
    let general = ids[0];
    let uri = format!("/api/chat/channels/{general}/posts?limit=3");
    let texts = |page: &Value| -> Vec<String> {
        let posts = page["data"]["posts"].as_array().unwrap();
        posts.iter().map(|p| p["text"].as_str().unwrap().to_owned()).collect()
    };
    let (s, _, first) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(texts(&first)[0], "Lunch anyone?");
    let one = format!("/api/chat/posts/{}", first["data"]["posts"][0]["id"].as_str().unwrap());
    let (s, _, single) = call(&app, get(&one, &token)).await;
    assert_eq!(s, 200, "{single}");

    // The posts rewritten behind the counter's back: the kept page is what is served.
    let forge = "SET session_replication_role = replica; UPDATE chat_posts SET text = 'forged'";
    db.client().await.batch_execute(forge).await.unwrap();
    let (_, _, kept) = call(&app, get(&uri, &token)).await;
    assert_eq!(kept["data"], first["data"], "kept while the channel's posts are unchanged");
    let (_, _, kept_post) = call(&app, get(&one, &token)).await;
    assert_eq!(kept_post["data"], single["data"]);
    let (_, _, other_query) = call(&app, get(&format!("{uri}&author=id-bob"), &token)).await;
    assert_eq!(texts(&other_query), ["forged", "forged"], "another query is read");

    // Another user asking for it gets a 404, kept page or not.
    let (_, eve) = member(&app, "eve@example.org").await;
    for uri in [&uri, &one] {
        let (s, _, body) = call(&app, get(uri, &eve)).await;
        assert_eq!(s, 404, "{uri}: {body}");
    }

    // An edit written through the store raises the counter: the page is read again.
    let uow = PgUnitOfWork::new(db.pool());
    let mut edited = post("g6", "ada", "Lunch at noon?", now - TimeDelta::minutes(10));
    edited.edited_at = Some(now);
    ingest(&uow, ada, general, vec![edited]).await;
    let (_, _, again) = call(&app, get(&uri, &token)).await;
    assert_eq!(texts(&again), ["Lunch at noon?", "forged", "forged"], "{again}");
    let (_, _, edited) = call(&app, get(&one, &token)).await;
    assert_eq!(edited["data"]["post"]["text"], "Lunch at noon?", "{edited}");
}
