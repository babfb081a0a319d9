//! Slack OAuth v2 end to end over PostgreSQL: the routes in process, the sandbox's
//! authorization page and `oauth.v2.access` over HTTP, as a browser and Slack would.

use std::time::Duration;

use actix_web::test::TestRequest;
use chrono::Utc;
use secrecy::SecretString;
use serde_json::{Value, json};
use switchboard_app::config::Config;
use switchboard_memory::ManualClock;
use switchboard_sandbox::{
    RunningSandbox, SLACK_OAUTH_CLIENT_ID, SLACK_OAUTH_CLIENT_SECRET, Sandbox,
};
use switchboard_test_support::TestDb;

use crate::support::{call, config, count, instance};

const CALLBACK: &str = "https://switchboard.example/api/chat/oauth/slack/callback";

fn sandbox() -> RunningSandbox {
    let sandbox = Sandbox::builder().seed(9).now(Utc::now()).posts_per_channel(40).people(8);
    sandbox.build().start_local().expect("the sandbox starts")
}

fn oauth_config(sandbox: &RunningSandbox) -> Config {
    let mut config = config();
    config.chat.slack_base_url = sandbox.slack_base_url();
    let oauth = &mut config.chat.slack_oauth;
    oauth.client_id = SLACK_OAUTH_CLIENT_ID.to_owned();
    oauth.client_secret = SecretString::from(SLACK_OAUTH_CLIENT_SECRET);
    oauth.authorize_url = sandbox.slack_authorize_url();
    oauth.redirect_uri = CALLBACK.to_owned();
    config
}

pub(crate) fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

pub(crate) async fn sign_up(app: &impl Service, email: &str) -> String {
    let body = json!({"email": email, "password": "correct horse battery"});
    let req = TestRequest::post().uri("/api/auth/register").set_json(&body);
    assert_eq!(call(app, req).await.0, 201);
    let (_, _, login) = call(app, TestRequest::post().uri("/api/auth/login").set_json(&body)).await;
    login["data"]["access_token"].as_str().unwrap().to_owned()
}

/// The app under test, whatever its body type.
pub trait Service:
    actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<Self::Body>,
        Error = actix_web::Error,
    >
{
    type Body: actix_web::body::MessageBody;
}

impl<S, B> Service for S
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    type Body = B;
}

/// `GET /api/chat/oauth/slack/start` as `token`: Slack's authorization URL, and the
/// browser-binding cookie (`name=value`) the answer sets.
async fn start_in_browser(app: &impl Service, token: &str) -> (String, String) {
    let req = bearer(TestRequest::get().uri("/api/chat/oauth/slack/start"), token);
    let res = actix_web::test::call_service(app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    let set_cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    let body: Value = actix_web::test::read_body_json(res).await;
    assert!(body["data"]["expires_at"].as_str().is_some_and(|t| !t.is_empty()));
    let attributes: Vec<&str> = set_cookie.split("; ").collect();
    assert!(attributes[0].starts_with("switchboard_oauth_slack="), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/api", "Max-Age=600"] {
        assert!(attributes.contains(&attribute), "{attribute} in {set_cookie}");
    }
    (body["data"]["authorize_url"].as_str().unwrap().to_owned(), attributes[0].to_owned())
}

/// `GET /api/chat/oauth/slack/start` as `token`: Slack's authorization URL.
async fn start(app: &impl Service, token: &str) -> String {
    start_in_browser(app, token).await.0
}

/// The callback request, sent by a browser holding `cookie` (`name=value`).
fn in_browser(uri: &str, cookie: &str) -> TestRequest {
    TestRequest::get().uri(uri).insert_header(("Cookie", cookie.to_owned()))
}

/// The browser at Slack's page: where Slack sends it back (our callback's path and query).
async fn authorize(url: &str) -> String {
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = browser.get(url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    location.strip_prefix("https://switchboard.example").unwrap().to_owned()
}

fn query(path_and_query: &str) -> Vec<(String, String)> {
    let query = path_and_query.split_once('?').map_or("", |(_, q)| q);
    serde_urlencoded::from_str(query).unwrap()
}

fn param(path_and_query: &str, name: &str) -> String {
    let found = query(path_and_query).into_iter().find(|(k, _)| k == name);
    found.map(|(_, v)| v).unwrap_or_default()
}

async fn sources(app: &impl Service, token: &str) -> Vec<Value> {
    let (_, _, list) = call(app, bearer(TestRequest::get().uri("/api/chat/sources"), token)).await;
    list["data"]["sources"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn slack_oauth_connects_the_user_who_started_it_exactly_once() {
    let db = TestDb::migrated().await;
    let sandbox = sandbox();
    let (config, clock) = (oauth_config(&sandbox), ManualClock::new(Utc::now()));
    let app = instance(&db, &config, &clock).await;
    let ada = sign_up(&app, "ada@example.org").await;
    let eve = sign_up(&app, "eve@example.org").await;

    let (url, cookie) = start_in_browser(&app, &ada).await;
    assert!(url.starts_with(&sandbox.slack_authorize_url()), "{url}");
    assert_eq!(param(&url, "client_id"), SLACK_OAUTH_CLIENT_ID);
    assert_eq!(param(&url, "redirect_uri"), CALLBACK);
    assert!(param(&url, "user_scope").contains("channels:history"), "{url}");
    let state = param(&url, "state");
    assert_eq!(state.len(), 43, "256 bits, base64url: {state}");
    let stored =
        "SELECT count(*) FROM chat_oauth_states WHERE state_hash = sha256(convert_to($1, 'UTF8'))";
    let row = db.client().await.query_one(stored, &[&state]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 1, "stored as its SHA-256 only");

    // The browser comes back without Switchboard credentials: the state says whose it is, the
    // cookie that it is the browser that started.
    let callback = authorize(&url).await;
    assert_eq!(param(&callback, "state"), state);
    let res =
        actix_web::test::call_service(&app, in_browser(&callback, &cookie).to_request()).await;
    assert_eq!(res.status(), 201);
    let forget = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(
        forget.starts_with("switchboard_oauth_slack=;") && forget.contains("Max-Age=0"),
        "{forget}"
    );
    let created: Value = actix_web::test::read_body_json(res).await;
    assert_eq!(
        (&created["data"]["kind"], &created["data"]["status"]),
        (&json!("slack"), &json!("active"))
    );
    assert_eq!(sources(&app, &ada).await.len(), 1);
    assert!(sources(&app, &eve).await.is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM chat_oauth_states").await, 0, "taken");
    let sealed = "SELECT count(*) FROM sealed_secrets WHERE position('xoxp-' in encode(ciphertext, 'escape')) = 0";
    assert_eq!(count(&db, sealed).await, 1, "the user token is stored sealed");
    assert_eq!(count(&db, "SELECT count(*) FROM jobs WHERE job_type = 'chat.sync'").await, 1);

    // Replayed: the state was taken.
    let (status, _, replayed) = call(&app, in_browser(&callback, &cookie)).await;
    assert_eq!(status, 400, "{replayed}");
    assert!(replayed["message"].as_str().unwrap().contains("already used"), "{replayed}");
    assert_eq!(sources(&app, &ada).await.len(), 1);

    // Two callbacks racing for one state: one connects.
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let callback = authorize(&url).await;
    let (first, second) = futures_util::future::join(
        call(&app, in_browser(&callback, &cookie)),
        call(&app, in_browser(&callback, &cookie)),
    )
    .await;
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 400], "{} {}", first.2, second.2);
}

#[actix_web::test]
async fn other_users_expired_denied_states_and_reused_codes_are_refused() {
    let db = TestDb::migrated().await;
    let sandbox = sandbox();
    let clock = ManualClock::new(Utc::now());
    let config = oauth_config(&sandbox);
    let app = instance(&db, &config, &clock).await;
    let ada = sign_up(&app, "ada@example.org").await;
    let eve = sign_up(&app, "eve@example.org").await;
    let get = |uri: &str| TestRequest::get().uri(uri);

    // Eve, signed in, presents Ada's state: refused, and the state is spent.
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let adas = authorize(&url).await;
    let (status, _, body) = call(&app, bearer(get(&adas), &eve)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["message"].as_str().unwrap().contains("another user"), "{body}");
    assert_eq!(call(&app, in_browser(&adas, &cookie)).await.0, 400);
    assert!(sources(&app, &eve).await.is_empty() && sources(&app, &ada).await.is_empty());

    // Too late.
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let late = authorize(&url).await;
    clock.advance(Duration::from_secs(601));
    let (status, _, body) = call(&app, in_browser(&late, &cookie)).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("expired"), "{body}");

    // Cancelled at Slack.
    sandbox.deny_slack_authorizations(1);
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let denied = authorize(&url).await;
    assert_eq!(param(&denied, "error"), "access_denied");
    let (status, _, body) = call(&app, in_browser(&denied, &cookie)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["message"].as_str().unwrap().contains("access_denied"), "{body}");

    // A code used once does not work with a fresh state.
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let used = authorize(&url).await;
    assert_eq!(call(&app, in_browser(&used, &cookie)).await.0, 201);
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let (fresh, code) = (param(&url, "state"), param(&used, "code"));
    let reuse = format!("/api/chat/oauth/slack/callback?code={code}&state={fresh}");
    let (status, _, body) = call(&app, in_browser(&reuse, &cookie)).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("invalid_code"), "{body}");

    for uri in [
        "/api/chat/oauth/slack/callback?code=x",
        "/api/chat/oauth/slack/callback?code=x&state=made-up",
    ] {
        assert_eq!(call(&app, get(uri)).await.0, 400, "{uri}");
    }
    assert_eq!(call(&app, get("/api/chat/oauth/slack/start")).await.0, 401);
    assert_eq!(sources(&app, &ada).await.len(), 1);
    assert!(sources(&app, &eve).await.is_empty());
}

#[actix_web::test]
async fn whoever_else_opens_the_link_connects_nothing_to_the_starter() {
    let db = TestDb::migrated().await;
    let sandbox = sandbox();
    let (config, clock) = (oauth_config(&sandbox), ManualClock::new(Utc::now()));
    let app = instance(&db, &config, &clock).await;
    let ada = sign_up(&app, "ada@example.org").await;
    let mallory = sign_up(&app, "mallory@example.org").await;
    let get = |uri: &str| TestRequest::get().uri(uri);

    // Ada starts in her browser; Mallory gets hold of the link and approves it at Slack with
    // his own workspace, in his own browser: with no cookie, with his own flow's cookie, with a
    // made-up one.
    let (_, mallorys_cookie) = start_in_browser(&app, &mallory).await;
    let mut adas_last = None;
    for (case, cookie) in [
        ("no cookie", None),
        ("his own cookie", Some(mallorys_cookie.as_str())),
        ("a forged cookie", Some("switchboard_oauth_slack=AAAA")),
    ] {
        let (adas_url, adas_cookie) = start_in_browser(&app, &ada).await;
        let callback = authorize(&adas_url).await;
        let request = match cookie {
            Some(cookie) => in_browser(&callback, cookie),
            None => get(&callback),
        };
        let (status, _, body) = call(&app, request).await;
        assert_eq!(status, 403, "{case}: {body}");
        assert_eq!(body["status"], "error", "{case}");
        assert!(body["data"].is_null(), "{case}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("started in another browser"), "{case}: {message}");
        assert!(sources(&app, &ada).await.is_empty(), "{case}: nothing attached to Ada");
        assert!(sources(&app, &mallory).await.is_empty(), "{case}");
        assert_eq!(count(&db, "SELECT count(*) FROM sealed_secrets").await, 0, "{case}");
        adas_last = Some((callback, adas_cookie));
    }
    // The state Mallory's browser presented is spent: Ada's own browser must start again.
    let (spent, adas_cookie) = adas_last.unwrap();
    let (status, _, body) = call(&app, in_browser(&spent, &adas_cookie)).await;
    assert_eq!(status, 400, "{body}");

    // Ada's own browser, started afresh, completes.
    let (url, cookie) = start_in_browser(&app, &ada).await;
    let (status, _, body) = call(&app, in_browser(&authorize(&url).await, &cookie)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(sources(&app, &ada).await.len(), 1);
    assert!(sources(&app, &mallory).await.is_empty());

    // A client completing with Ada's own credentials needs no cookie.
    let url = start(&app, &ada).await;
    let (status, _, body) = call(&app, bearer(get(&authorize(&url).await), &ada)).await;
    assert_eq!(status, 200, "reconnected by the signed-in starter: {body}");
}
