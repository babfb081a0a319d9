//! Outlook end to end over PostgreSQL: the routes in process, the app's own mail adapters
//! (the identity platform client, Graph through graph-rs-sdk, the MX lookup) against the
//! sandbox's fake Microsoft over HTTP, and the binary's job registry running the syncs.

use actix_web::test::TestRequest;
use chrono::Utc;
use serde_json::{Value, json};
use switchboard_app::config::Config;
use switchboard_app::jobs::JobContext;
use switchboard_memory::ManualClock;
use switchboard_postgres::PgJobQueue;
use switchboard_sandbox::{
    MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, NewMail, RunningSandbox, Sandbox,
};
use switchboard_test_support::TestDb;

use crate::support::{MAIL_CALLBACK, call, config, count, instance, run_jobs};

fn sandbox() -> RunningSandbox {
    let sandbox =
        Sandbox::builder().seed(11).now(Utc::now()).mailboxes(2).messages_per_mailbox(120);
    sandbox.build().start_local().expect("the sandbox starts")
}

/// The test profile with Outlook at the sandbox and its tenant's MX record.
fn mail_config(sandbox: &RunningSandbox) -> Config {
    let mut config = config();
    let microsoft = &mut config.mail.microsoft;
    microsoft.client_id = MICROSOFT_CLIENT_ID.to_owned();
    microsoft.client_secret = MICROSOFT_CLIENT_SECRET.to_owned().into();
    microsoft.login_base_url = sandbox.microsoft_login_base_url();
    microsoft.graph_base_url = sandbox.graph_base_url();
    config.mail.mx_overrides.insert(
        "halden.onmicrosoft.com".to_owned(),
        vec!["halden-onmicrosoft-com.mail.protection.outlook.com".to_owned()],
    );
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

/// `POST /api/mail/link` as `token`: the authorization URL and the browser-binding cookie.
async fn start_link(app: &impl Service, token: &str, email: &str) -> (String, String) {
    let req =
        bearer(TestRequest::post().uri("/api/mail/link"), token).set_json(json!({"email": email}));
    let res = actix_web::test::call_service(app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let body: Value = actix_web::test::read_body_json(res).await;
    assert_eq!(body["data"]["provider"], "microsoft", "told from the domain's MX record");
    (body["data"]["authorization_url"].as_str().unwrap().to_owned(), cookie)
}

/// A browser at the fake identity platform's sign-in page: it approves at once and redirects
/// to the callback; the callback's path and query.
async fn approve(authorization_url: &str) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build();
    let res = http.unwrap().get(authorization_url).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(MAIL_CALLBACK), "{location}");
    location.trim_start_matches("http://127.0.0.1:9").to_owned()
}

struct World {
    db: TestDb,
    sandbox: RunningSandbox,
    config: Config,
    clock: ManualClock,
    queue: PgJobQueue,
    context: JobContext,
}

async fn world() -> World {
    let db = TestDb::migrated().await;
    let sandbox = sandbox();
    let config = mail_config(&sandbox);
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let context = JobContext::new(&identity, &config).unwrap();
    let (queue, listener) = PgJobQueue::new(db.pool(), db.url());
    tokio::spawn(listener.run());
    World { db, sandbox, config, clock: ManualClock::new(Utc::now()), queue, context }
}

#[actix_web::test]
async fn an_outlook_mailbox_is_linked_synced_listed_searched_read_and_kept_up_to_date() {
    let w = world().await;
    let app = instance(&w.db, &w.config, &w.clock).await;
    let ada = sign_up(&app, "ada@example.org").await;
    let mailbox = w.sandbox.mailboxes()[0].address.clone();

    let (url, cookie) = start_link(&app, &ada, &mailbox).await;
    let callback = approve(&url).await;
    let req = TestRequest::get().uri(&callback).insert_header(("Cookie", cookie));
    let (status, _, linked) = call(&app, req).await;
    assert_eq!(status, 200, "{linked}");
    assert_eq!(linked["data"]["account"]["address"], mailbox.as_str());
    assert_eq!(linked["data"]["account"]["status"], "syncing");
    let id = linked["data"]["account"]["id"].as_str().unwrap().to_owned();
    let sealed = "SELECT count(*) FROM sealed_secrets WHERE purpose = 'mail_tokens'";
    assert_eq!(count(&w.db, sealed).await, 1, "the tokens, sealed");

    assert!(run_jobs(&w.queue, &w.context).await >= 1, "the first sync ran");
    let since = w.sandbox.now() - chrono::Duration::days(90);
    let remote = w.sandbox.mail_messages(&mailbox, None).unwrap();
    let expected = remote.iter().filter(|m| m.received_at >= since).count();
    let stored = format!("SELECT count(*) FROM mail_messages WHERE account_id = '{id}'");
    assert_eq!(count(&w.db, &stored).await, i64::try_from(expected).unwrap());
    let (_, _, account) =
        call(&app, bearer(TestRequest::get().uri(&format!("/api/mail/accounts/{id}")), &ada)).await;
    assert_eq!(account["data"]["status"], "active");
    assert_eq!(account["data"]["progress"]["stored"], expected);

    // Every message once, newest first, across cursor pages.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let uri = format!("/api/mail/messages?account_id={id}&limit=50&cursor={cursor}");
        let (status, _, page) = call(&app, bearer(TestRequest::get().uri(&uri), &ada)).await;
        assert_eq!(status, 200, "{page}");
        for m in page["data"]["messages"].as_array().unwrap() {
            seen.push((
                m["received_at"].as_str().unwrap().to_owned(),
                m["id"].as_str().unwrap().to_owned(),
            ));
        }
        cursor = page["data"]["next_cursor"].as_str().unwrap_or_default().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), expected);
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "newest first");

    // A new message at the provider, found by its words after an on-demand sync.
    w.sandbox
        .add_mail(NewMail {
            mailbox: mailbox.clone(),
            subject: "Zanzibar offsite budget".into(),
            from_name: "Grace Hopper".into(),
            from_address: "grace@example.org".into(),
            body: "The catamaran deposit is due on Friday.".into(),
            attachment_bytes: Some(40_000),
            ..NewMail::default()
        })
        .unwrap();
    let sync = bearer(TestRequest::post().uri(&format!("/api/mail/accounts/{id}/sync")), &ada);
    let (status, _, body) = call(&app, sync).await;
    assert_eq!(status, 202, "{body}");
    assert!(run_jobs(&w.queue, &w.context).await >= 1);
    let search = format!("/api/mail/messages?account_id={id}&q=catamaran");
    let (_, _, found) = call(&app, bearer(TestRequest::get().uri(&search), &ada)).await;
    let found = found["data"]["messages"].as_array().unwrap().clone();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["subject"], "Zanzibar offsite budget");
    let from = format!("/api/mail/messages?account_id={id}&from=GRACE@example.org");
    let (_, _, by_sender) = call(&app, bearer(TestRequest::get().uri(&from), &ada)).await;
    assert_eq!(by_sender["data"]["messages"].as_array().unwrap().len(), 1);

    // Read it: headers, body, attachments' metadata; then the attachment itself.
    let message_id = found[0]["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/mail/messages/{message_id}");
    let (status, _, message) = call(&app, bearer(TestRequest::get().uri(&uri), &ada)).await;
    assert_eq!(status, 200, "{message}");
    assert!(
        message["data"]["body"]["text"].as_str().unwrap_or_default().contains("catamaran")
            || message["data"]["body"]["html"].as_str().unwrap_or_default().contains("catamaran")
    );
    let attachment = &message["data"]["attachments"][0];
    assert_eq!(attachment["size"], 40_000);
    let uri = format!(
        "/api/mail/messages/{message_id}/attachments/{}",
        attachment["id"].as_str().unwrap()
    );
    let res = actix_web::test::call_service(
        &app,
        bearer(TestRequest::get().uri(&uri), &ada).to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap();
    assert_eq!(content_type, attachment["content_type"].as_str().unwrap());
    assert_eq!(actix_web::test::read_body(res).await.len(), 40_000);

    // Deleted at the provider: gone here after the next sync, with its event.
    w.sandbox.delete_mail(&mailbox, &remote[0].id).unwrap();
    let sync = bearer(TestRequest::post().uri(&format!("/api/mail/accounts/{id}/sync")), &ada);
    assert_eq!(call(&app, sync).await.0, 202);
    run_jobs(&w.queue, &w.context).await;
    let gone = format!("SELECT count(*) FROM mail_messages WHERE provider_id = '{}'", remote[0].id);
    assert_eq!(count(&w.db, &gone).await, 0);
    let deleted =
        "SELECT count(*) FROM events WHERE model_name = 'mail_message' AND kind = 'deleted'";
    assert_eq!(count(&w.db, deleted).await, 1);

    // Another user sees none of it.
    let bob = sign_up(&app, "bob@example.org").await;
    for uri in [
        format!("/api/mail/accounts/{id}"),
        format!("/api/mail/folders?account_id={id}"),
        format!("/api/mail/messages?account_id={id}"),
        format!("/api/mail/messages/{message_id}"),
        format!("/api/mail/threads?account_id={id}"),
    ] {
        let (status, _, body) = call(&app, bearer(TestRequest::get().uri(&uri), &bob)).await;
        assert_eq!(status, 404, "{uri}: {body}");
    }
    let (status, _, _) =
        call(&app, bearer(TestRequest::delete().uri(&format!("/api/mail/accounts/{id}")), &bob))
            .await;
    assert_eq!(status, 404);

    // Unlinked: its mail and tokens are gone.
    let (status, _, _) =
        call(&app, bearer(TestRequest::delete().uri(&format!("/api/mail/accounts/{id}")), &ada))
            .await;
    assert!(matches!(status, 200 | 204), "{status}");
    assert_eq!(count(&w.db, &stored).await, 0);
    assert_eq!(count(&w.db, sealed).await, 0);
}

#[actix_web::test]
async fn someone_who_opens_another_users_authorization_link_attaches_nothing() {
    let w = world().await;
    let app = instance(&w.db, &w.config, &w.clock).await;
    let ada = sign_up(&app, "ada@example.org").await;
    let eve_mailbox = w.sandbox.mailboxes()[1].address.clone();
    // Ada starts; Eve opens the link in her own browser (no cookie of Ada's) and approves
    // with her mailbox (the sandbox signs in whoever `login_hint` names; Eve edits it).
    let (url, _ada_cookie) = start_link(&app, &ada, "ada.lovelace@halden.onmicrosoft.com").await;
    let url = url::Url::parse(&url).unwrap();
    let pairs = url.query_pairs().filter(|(k, _)| k != "login_hint");
    let mut eve_url = url.clone();
    eve_url.query_pairs_mut().clear().extend_pairs(pairs).append_pair("login_hint", &eve_mailbox);
    let callback = approve(eve_url.as_str()).await;
    let (status, _, body) = call(&app, TestRequest::get().uri(&callback)).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(count(&w.db, "SELECT count(*) FROM mail_accounts").await, 0);
    // The state is spent: Ada's own browser cannot reuse it either.
    let (status, _, _) = call(&app, TestRequest::get().uri(&callback)).await;
    assert!((400..500).contains(&status));
}

#[actix_web::test]
async fn a_mobile_app_signs_in_with_its_microsoft_token_and_the_mailbox_is_linked() {
    let w = world().await;
    let app = instance(&w.db, &w.config, &w.clock).await;
    let mailbox = w.sandbox.mailboxes()[0].address.clone();
    let assertion = w.sandbox.microsoft_assertion(&mailbox, None, 3600).unwrap();
    let req =
        TestRequest::post().uri("/api/auth/microsoft").set_json(json!({"assertion": assertion}));
    let (status, _, signed_in) = call(&app, req).await;
    assert_eq!(status, 200, "{signed_in}");
    assert_eq!(signed_in["data"]["created_user"], true);
    let token = signed_in["data"]["access_token"].as_str().unwrap();
    let (status, _, accounts) =
        call(&app, bearer(TestRequest::get().uri("/api/mail/accounts"), token)).await;
    assert_eq!(status, 200);
    assert_eq!(accounts["data"]["accounts"][0]["address"], mailbox.as_str());
    // The same person again: the same user, the same account.
    let assertion = w.sandbox.microsoft_assertion(&mailbox, None, 3600).unwrap();
    let req =
        TestRequest::post().uri("/api/auth/microsoft").set_json(json!({"assertion": assertion}));
    let (_, _, again) = call(&app, req).await;
    assert_eq!(again["data"]["created_user"], false);
    assert_eq!(count(&w.db, "SELECT count(*) FROM mail_accounts").await, 1);
    // A forged assertion (another audience) signs nobody in.
    let forged = w.sandbox.microsoft_assertion(&mailbox, Some("api://someone-else"), 3600).unwrap();
    let req = TestRequest::post().uri("/api/auth/microsoft").set_json(json!({"assertion": forged}));
    assert_eq!(call(&app, req).await.0, 401);
}
