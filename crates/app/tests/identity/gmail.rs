//! Gmail end to end over PostgreSQL, through the same routes as Outlook: the app's own mail
//! adapters (Google's OAuth client, the Gmail API through google-gmail1) against the
//! sandbox's fake Google over HTTP, and the binary's job registry running the syncs. The
//! client never names the provider: it is told from the address.

use actix_web::test::TestRequest;
use chrono::Utc;
use serde_json::{Value, json};
use switchboard_app::config::Config;
use switchboard_app::jobs::JobContext;
use switchboard_memory::ManualClock;
use switchboard_postgres::PgJobQueue;
use switchboard_sandbox::{
    GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, NewGmail, RunningSandbox, Sandbox,
};
use switchboard_test_support::TestDb;

use crate::mail::{Service, bearer, sign_up};
use crate::support::{MAIL_CALLBACK, call, config, count, instance, run_jobs};

/// Where the client app wants the browser back (a mobile app's or a web page's).
const RETURN_TO: &str = "http://127.0.0.1:9/app/mail-linked";

/// The test profile with Google at the sandbox.
fn gmail_config(sandbox: &RunningSandbox) -> Config {
    let mut config = config();
    let google = &mut config.mail.google;
    google.client_id = GOOGLE_CLIENT_ID.to_owned();
    google.client_secret = GOOGLE_CLIENT_SECRET.to_owned().into();
    let oauth = sandbox.google_oauth_base_url();
    google.authorize_url = format!("{oauth}/o/oauth2/v2/auth");
    google.token_url = sandbox.google_token_url();
    google.revoke_url = format!("{oauth}/revoke");
    google.gmail_base_url = sandbox.gmail_base_url();
    config.mail.allowed_redirect_uris.push(RETURN_TO.to_owned());
    config
}

struct World {
    db: TestDb,
    sandbox: RunningSandbox,
    config: Config,
    clock: ManualClock,
    queue: PgJobQueue,
    context: JobContext,
    /// The demo Gmail mailbox (`…@gmail.com`).
    mailbox: String,
}

async fn world() -> World {
    let db = TestDb::migrated().await;
    let sandbox =
        Sandbox::builder().seed(11).now(Utc::now()).mailboxes(2).messages_per_mailbox(120);
    let sandbox = sandbox.build().start_local().expect("the sandbox starts");
    let config = gmail_config(&sandbox);
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let context = JobContext::new(&identity, &config).unwrap();
    let (queue, listener) = PgJobQueue::new(db.pool(), db.url());
    tokio::spawn(listener.run());
    let mailbox = sandbox.gmail_mailboxes()[0].address.clone();
    assert!(mailbox.ends_with("@gmail.com"), "{mailbox}");
    World { db, sandbox, config, clock: ManualClock::new(Utc::now()), queue, context, mailbox }
}

/// Links `mailbox` for `token`'s user the way a mobile app does: `POST /api/mail/link` with
/// a `redirect_uri`, the system browser at Google (not the app: no binding cookie), back to the
/// callback, which hands the app a one-time code; the app completes with it. The account.
async fn link(app: &impl Service, token: &str, mailbox: &str) -> Value {
    let body = json!({"email": mailbox, "redirect_uri": RETURN_TO});
    let req = bearer(TestRequest::post().uri("/api/mail/link"), token).set_json(body);
    let (status, _, started) = call(app, req).await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["data"]["provider"], "google", "told from gmail.com");
    let url = url::Url::parse(started["data"]["authorization_url"].as_str().unwrap()).unwrap();
    let param =
        |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    assert_eq!(param("access_type").as_deref(), Some("offline"));
    assert_eq!(param("login_hint").as_deref(), Some(mailbox));
    let scope = param("scope").unwrap();
    assert!(scope.contains("gmail.readonly") && !scope.contains("gmail.send"), "{scope}");

    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build();
    let res = browser.unwrap().get(url.as_str()).send().await.unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(MAIL_CALLBACK), "{location}");
    let callback = location.trim_start_matches("http://127.0.0.1:9").to_owned();

    let res =
        actix_web::test::call_service(app, TestRequest::get().uri(&callback).to_request()).await;
    assert_eq!(res.status(), 303);
    let back = res.headers().get("location").unwrap().to_str().unwrap();
    let back = url::Url::parse(back).unwrap();
    assert!(back.as_str().starts_with(RETURN_TO), "{back}");
    let code = back.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();

    let complete =
        TestRequest::post().uri("/api/mail/link/complete").set_json(json!({"code": code}));
    let (status, _, linked) = call(app, bearer(complete, token)).await;
    assert_eq!(status, 200, "{linked}");
    let again = TestRequest::post().uri("/api/mail/link/complete").set_json(json!({"code": code}));
    assert_eq!(call(app, bearer(again, token)).await.0, 422, "a code is used once");
    linked["data"]["account"].clone()
}

async fn get(app: &impl Service, token: &str, uri: &str) -> Value {
    let (status, _, body) = call(app, bearer(TestRequest::get().uri(uri), token)).await;
    assert_eq!(status, 200, "{uri}: {body}");
    body["data"].clone()
}

async fn sync(w: &World, app: &impl Service, token: &str, id: &str) {
    let req = bearer(TestRequest::post().uri(&format!("/api/mail/accounts/{id}/sync")), token);
    let (status, _, body) = call(app, req).await;
    assert_eq!(status, 202, "{body}");
    assert!(run_jobs(&w.queue, &w.context).await >= 1);
}

fn messages(page: &Value) -> Vec<Value> {
    page["messages"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn a_gmail_mailbox_is_linked_synced_listed_searched_read_kept_up_to_date_and_unlinked() {
    let w = world().await;
    let app = instance(&w.db, &w.config, &w.clock).await;
    let ada = sign_up(&app, "ada@example.org").await;

    let account = link(&app, &ada, &w.mailbox).await;
    assert_eq!(account["address"], w.mailbox.as_str());
    assert_eq!(account["provider"], "google");
    let id = account["id"].as_str().unwrap().to_owned();

    assert!(run_jobs(&w.queue, &w.context).await >= 1, "the first sync ran");
    let since = w.sandbox.now() - chrono::Duration::days(i64::from(w.config.mail.window_days));
    let remote = w.sandbox.gmail_messages(&w.mailbox, None).unwrap();
    // messages.list leaves spam and trash out, as Gmail's does.
    let listed = |m: &&switchboard_sandbox::GmailMessageInfo| {
        m.received_at >= since && !m.labels.iter().any(|l| l == "SPAM" || l == "TRASH")
    };
    let expected = remote.iter().filter(listed).count();
    let stored = format!("SELECT count(*) FROM mail_messages WHERE account_id = '{id}'");
    assert_eq!(count(&w.db, &stored).await, i64::try_from(expected).unwrap());
    let account = get(&app, &ada, &format!("/api/mail/accounts/{id}")).await;
    assert_eq!(account["status"], "active", "{account}");

    // Labels as folders, in Outlook's vocabulary.
    let folders = get(&app, &ada, &format!("/api/mail/folders?account_id={id}")).await;
    let folders = folders["folders"].as_array().unwrap().clone();
    let role = |r: &str| folders.iter().find(|f| f["role"] == r).cloned();
    for (r, kind) in [
        ("INBOX", "system"),
        ("SENT", "system"),
        ("DRAFTS", "system"),
        ("TRASH", "system"),
        ("SPAM", "system"),
    ] {
        let folder = role(r).unwrap_or_else(|| panic!("no {r} in {folders:?}"));
        assert_eq!(folder["kind"], kind);
    }
    assert!(folders.iter().any(|f| f["kind"] == "label" && f["name"] == "Projects"), "{folders:?}");
    let inbox = role("INBOX").unwrap()["id"].as_str().unwrap().to_owned();

    // Filters: the inbox's unread mail, and mail with attachments.
    let uri = format!("/api/mail/messages?account_id={id}&folder_id={inbox}&unread=true&limit=100");
    let unread = messages(&get(&app, &ada, &uri).await);
    let want = remote
        .iter()
        .filter(listed)
        .filter(|m| m.labels.iter().any(|l| l == "INBOX") && m.labels.iter().any(|l| l == "UNREAD"))
        .count();
    assert_eq!(unread.len(), want);
    assert!(unread.iter().all(|m| m["unread"] == true));
    let uri = format!("/api/mail/messages?account_id={id}&has_attachments=true&limit=100");
    let with_files = messages(&get(&app, &ada, &uri).await);
    assert!(!with_files.is_empty());

    // Detail: decoded body and the attachment, fetched by the id listed (its partId).
    let message_id = with_files[0]["id"].as_str().unwrap().to_owned();
    let message = get(&app, &ada, &format!("/api/mail/messages/{message_id}")).await;
    let text = message["body"]["text"].as_str().unwrap_or_default();
    assert!(!text.is_empty() || message["body"]["html"].as_str().is_some(), "{message}");
    let attachment =
        message["attachments"].as_array().unwrap().iter().find(|a| a["inline"] != true);
    let attachment = attachment.unwrap().clone();
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
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(content_type, attachment["content_type"].as_str().unwrap());
    let size = actix_web::test::read_body(res).await.len();
    assert_eq!(Some(size as u64), attachment["size"].as_u64());

    // Threads are Gmail's threads.
    let threads = get(&app, &ada, &format!("/api/mail/threads?account_id={id}&limit=100")).await;
    let threads = threads["threads"].as_array().unwrap().len();
    assert!(threads > 0 && threads < expected, "{threads} threads of {expected} messages");

    // Changes at Google: a new message, one read elsewhere, one deleted; then a sync.
    let events = |kind: &str| {
        format!("SELECT count(*) FROM events WHERE model_name = 'mail_message' AND kind = '{kind}'")
    };
    let (added_before, changed_before) =
        (count(&w.db, &events("added")).await, count(&w.db, &events("changed")).await);
    w.sandbox
        .add_gmail(NewGmail {
            mailbox: w.mailbox.clone(),
            subject: "Zanzibar offsite budget".into(),
            from_name: "Grace Hopper".into(),
            from_address: "grace@example.org".into(),
            body: "The catamaran deposit is due on Friday.".into(),
            ..NewGmail::default()
        })
        .unwrap();
    let unread_remote =
        remote.iter().filter(listed).find(|m| m.labels.iter().any(|l| l == "UNREAD"));
    let read_elsewhere = unread_remote.unwrap().id.clone();
    w.sandbox.label_gmail(&w.mailbox, &read_elsewhere, &[], &["UNREAD"]).unwrap();
    let doomed = remote.iter().filter(listed).find(|m| m.id != read_elsewhere).unwrap().id.clone();
    w.sandbox.delete_gmail(&w.mailbox, &doomed).unwrap();
    sync(&w, &app, &ada, &id).await;

    let found = messages(
        &get(&app, &ada, &format!("/api/mail/messages?account_id={id}&q=catamaran")).await,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["subject"], "Zanzibar offsite budget");
    let by_sender = messages(
        &get(&app, &ada, &format!("/api/mail/messages?account_id={id}&from=GRACE@example.org"))
            .await,
    );
    assert_eq!(by_sender.len(), 1);
    let provider_read = format!(
        "SELECT count(*) FROM mail_messages WHERE provider_id = '{read_elsewhere}' AND NOT unread"
    );
    assert_eq!(count(&w.db, &provider_read).await, 1, "read state came over");
    let gone = format!("SELECT count(*) FROM mail_messages WHERE provider_id = '{doomed}'");
    assert_eq!(count(&w.db, &gone).await, 0);
    assert!(count(&w.db, &events("added")).await > added_before);
    assert!(count(&w.db, &events("changed")).await > changed_before);
    assert_eq!(count(&w.db, &events("deleted")).await, 1);

    // Gmail forgot the history since the stored historyId (a 404): the sync reads the window
    // again, still finds what arrived meanwhile, and removes what was deleted meanwhile
    // (which no history reports any more).
    let forgotten = remote.iter().filter(listed).find(|m| m.id != read_elsewhere && m.id != doomed);
    let forgotten = forgotten.unwrap().id.clone();
    w.sandbox.delete_gmail(&w.mailbox, &forgotten).unwrap();
    w.sandbox
        .add_gmail(NewGmail {
            mailbox: w.mailbox.clone(),
            subject: "Itinerary".into(),
            from_name: "Grace Hopper".into(),
            from_address: "grace@example.org".into(),
            body: "The Kilimanjaro itinerary is attached.".into(),
            ..NewGmail::default()
        })
        .unwrap();
    assert!(w.sandbox.expire_gmail_history(&w.mailbox).unwrap() > 0);
    sync(&w, &app, &ada, &id).await;
    let uri = format!("/api/mail/messages?account_id={id}&q=kilimanjaro");
    assert_eq!(messages(&get(&app, &ada, &uri).await).len(), 1);
    let gone = format!("SELECT count(*) FROM mail_messages WHERE provider_id = '{forgotten}'");
    assert_eq!(count(&w.db, &gone).await, 0, "deleted while the history was forgotten");
    assert_eq!(count(&w.db, &events("deleted")).await, 2);
    assert_eq!(get(&app, &ada, &format!("/api/mail/accounts/{id}")).await["status"], "active");

    // An expired access token is refreshed (Google keeps the refresh token) and sync goes on.
    assert!(w.sandbox.expire_google_access_tokens() > 0);
    sync(&w, &app, &ada, &id).await;
    assert_eq!(get(&app, &ada, &format!("/api/mail/accounts/{id}")).await["status"], "active");

    // Another user sees none of it.
    let bob = sign_up(&app, "bob@example.org").await;
    let attachment_id = attachment["id"].as_str().unwrap();
    for uri in [
        format!("/api/mail/accounts/{id}"),
        format!("/api/mail/folders?account_id={id}"),
        format!("/api/mail/messages?account_id={id}"),
        format!("/api/mail/messages/{message_id}"),
        format!("/api/mail/messages/{message_id}/attachments/{attachment_id}"),
        format!("/api/mail/threads?account_id={id}"),
    ] {
        let (status, _, body) = call(&app, bearer(TestRequest::get().uri(&uri), &bob)).await;
        assert_eq!(status, 404, "{uri}: {body}");
    }
    let req = bearer(TestRequest::post().uri(&format!("/api/mail/accounts/{id}/sync")), &bob);
    assert_eq!(call(&app, req).await.0, 404);
    let req = bearer(TestRequest::delete().uri(&format!("/api/mail/accounts/{id}")), &bob);
    assert_eq!(call(&app, req).await.0, 404);

    // Unlinked: the grant is revoked at Google, the mail and tokens are gone here.
    let req = bearer(TestRequest::delete().uri(&format!("/api/mail/accounts/{id}")), &ada);
    let (status, _, _) = call(&app, req).await;
    assert!(matches!(status, 200 | 204), "{status}");
    assert_eq!(w.sandbox.revoke_google_grants(&w.mailbox).unwrap(), 0, "nothing left to revoke");
    assert_eq!(count(&w.db, &stored).await, 0);
    let sealed = "SELECT count(*) FROM sealed_secrets WHERE purpose = 'mail_tokens'";
    assert_eq!(count(&w.db, sealed).await, 0);
}

#[actix_web::test]
async fn a_grant_revoked_at_google_needs_the_user_to_link_again() {
    let w = world().await;
    let app = instance(&w.db, &w.config, &w.clock).await;
    let ada = sign_up(&app, "ada@example.org").await;
    let account = link(&app, &ada, &w.mailbox).await;
    let id = account["id"].as_str().unwrap().to_owned();
    run_jobs(&w.queue, &w.context).await;

    // The owner removes the app's access in their Google account.
    assert_eq!(w.sandbox.revoke_google_grants(&w.mailbox).unwrap(), 1);
    sync(&w, &app, &ada, &id).await;
    let account = get(&app, &ada, &format!("/api/mail/accounts/{id}")).await;
    assert_eq!(account["status"], "reauth_required", "{account}");

    // Linking again brings it back.
    let again = link(&app, &ada, &w.mailbox).await;
    assert_eq!(again["id"], id.as_str());
    run_jobs(&w.queue, &w.context).await;
    assert_eq!(get(&app, &ada, &format!("/api/mail/accounts/{id}")).await["status"], "active");
}
