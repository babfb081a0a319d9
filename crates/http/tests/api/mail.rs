//! The mail routes over the memory store, with mailboxes seeded straight into it: what each
//! route answers, its filters and pages, its refusals naming the field, the link flow's
//! refusals, and another user's ids answered as ids that do not exist.

use std::collections::HashSet;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use switchboard_domain::UserId;
use switchboard_domain::mail::{
    AttachmentMeta, FolderKind, FolderRole, MailAccount, MailAccountId, MailAccountStatus,
    MailAddress, MailFolder, MailFolderId, MailMessageId, MailProvider, MessageBody as Bodies,
    StoredMessage, SyncProgress,
};
use switchboard_memory::{ManualClock, MemoryStore, StaticReadiness};
use switchboard_ports::{MailStore, UnitOfWork};
use switchboard_services::{MailPolicy, MailService};

use crate::accounts::{app, bearer, delete, get, member, patch, post};
use crate::fake_mail::{
    AUTHORIZE, CLAIMS, FakeMail, GOOD_CODE, MAILBOX, NEEDS_CONSENT, PDF_CHUNKS, VALID_ASSERTION,
    pdf,
};
use crate::support::{ALLOWED_REDIRECT, assert_error_envelope, identity, json_call, mx_table};

/// A seeded mailbox: its account, folders and messages (newest first).
struct Mailbox {
    account: MailAccountId,
    inbox: MailFolderId,
    archive: MailFolderId,
    messages: Vec<StoredMessage>,
}

fn at(hours_ago: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap() - Duration::hours(hours_ago)
}

fn address(address: &str, name: Option<&str>) -> MailAddress {
    MailAddress { address: address.to_owned(), name: name.map(str::to_owned) }
}

/// A new account of `owner`'s for `address_of`, with [`seed_into`]'s mail.
async fn seed(uow: &MemoryStore, owner: &str, address_of: &str) -> Mailbox {
    let user: UserId = owner.parse().unwrap();
    let account = MailAccount {
        id: MailAccountId::new(),
        user_id: user,
        provider: MailProvider::Microsoft,
        provider_account_id: format!("oid-{address_of}"),
        address: address_of.to_owned(),
        display_name: "Ada Lovelace".to_owned(),
        status: MailAccountStatus::Active,
        progress: SyncProgress { stored: 7, total: Some(7) },
        last_sync_at: Some(at(0)),
        last_error: None,
        created_at: at(100),
    };
    let to_store = account.clone();
    uow.transact(move |tx| {
        Box::pin(async move { tx.save_mail_account(&to_store).await.map(|_| ()) })
    })
    .await
    .unwrap();
    seed_into(uow, owner, account.id).await
}

/// Two folders and seven messages over seven hours in `account`: a three-message thread
/// `t-budget` in the inbox, the rest alone; the odd ones unread, two with attachments, one
/// with its bodies read.
async fn seed_into(uow: &MemoryStore, owner: &str, account: MailAccountId) -> Mailbox {
    let user: UserId = owner.parse().unwrap();
    let account = uow
        .read(move |tx| Box::pin(async move { tx.mail_account(user, account).await }))
        .await
        .unwrap()
        .unwrap();
    let address_of = account.address.clone();
    let address_of = address_of.as_str();
    let folder = |name: &str, kind, role| MailFolder {
        id: MailFolderId::new(),
        account_id: account.id,
        provider_id: format!("f-{name}"),
        parent_id: None,
        name: name.to_owned(),
        kind,
        role,
        total: Some(5),
        unread: None,
        sync_cursor: None,
    };
    let folders = vec![
        folder("Inbox", FolderKind::System, Some(FolderRole::Inbox)),
        folder("Projects", FolderKind::Folder, None),
    ];
    let senders = ["grace@navy.example", "alan@bletchley.example", "grace@navy.example"];
    let messages: Vec<StoredMessage> = (0..7)
        .map(|i| {
            let in_thread = i < 3;
            let attached = i == 1 || i == 4;
            StoredMessage {
                id: MailMessageId::new(),
                account_id: account.id,
                provider_id: format!("m{i}"),
                thread_key: if in_thread { "t-budget".to_owned() } else { format!("t{i}") },
                folder_ids: vec![if i < 5 { folders[0].id } else { folders[1].id }],
                subject: if in_thread {
                    "Quarterly budget".to_owned()
                } else {
                    format!("Note {i}")
                },
                from: Some(address(senders[usize::try_from(i).unwrap() % 3], Some("Sender"))),
                to: vec![address(address_of, None)],
                cc: Vec::new(),
                received_at: at(i),
                sent_at: Some(at(i)),
                unread: i % 2 == 1,
                has_attachments: attached,
                snippet: format!("snippet {i}"),
                internet_message_id: Some(format!("<m{i}@example>")),
                body: (i == 1).then(|| Bodies {
                    text: Some("Numbers attached.".to_owned()),
                    html: Some("<p>Numbers attached.</p>".to_owned()),
                }),
                attachments: if i == 1 {
                    vec![AttachmentMeta {
                        id: "att-1".to_owned(),
                        name: "budget 2026 – ü.xlsx".to_owned(),
                        content_type: "application/vnd.ms-excel".to_owned(),
                        size: 4096,
                        inline: false,
                    }]
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    let (stored, to_link) = (messages.clone(), folders.clone());
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.upsert_mail_folders(&to_link).await?;
            tx.upsert_mail_messages(&stored).await.map(|_| ())
        })
    })
    .await
    .unwrap();
    Mailbox { account: account.id, inbox: folders[0].id, archive: folders[1].id, messages }
}

async fn call(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    req: TestRequest,
) -> (u16, Value) {
    let (s, _, b) = json_call(app, req).await;
    (s, b)
}

fn ids(page: &Value, list: &str) -> Vec<String> {
    page["data"][list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list}: {page}"))
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

/// The app with writing back and sending turned on, the store, and what the fake mailbox
/// records.
macro_rules! writing_app {
    ($identity:expr) => {{
        let id = $identity;
        let uow = id.uow.clone();
        let sources = crate::fake_mail::FakeSources::default();
        let mut deps = crate::support::deps_with(StaticReadiness::ready(), id.clone());
        deps.mail = actix_web::web::Data::new(MailService::new(
            id.uow.clone(),
            id.clock.clone(),
            id.secrets.clone(),
            FakeMail { mx: mx_table(), sources: sources.clone() },
            MailPolicy {
                write_back: true,
                send: true,
                allowed_redirect_uris: vec![ALLOWED_REDIRECT.to_owned()],
                ..MailPolicy::default()
            },
        ));
        (test::init_service(switchboard_http::build_app(deps)).await, uow, sources)
    }};
}

#[actix_web::test]
async fn accounts_and_folders_read_back_as_stored() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;

    let (s, list) = call(&app, get("/api/mail/accounts", &token)).await;
    assert_eq!((s, ids(&list, "accounts")), (200, vec![mailbox.account.to_string()]), "{list}");
    let (s, one) =
        call(&app, get(&format!("/api/mail/accounts/{}", mailbox.account), &token)).await;
    assert_eq!(s, 200, "{one}");
    let account = &one["data"];
    assert_eq!(account, &list["data"]["accounts"][0]);
    assert_eq!(
        (&account["provider"], &account["address"], &account["status"]),
        (&json!("microsoft"), &json!("ada@contoso.example"), &json!("active"))
    );
    assert_eq!(account["progress"], json!({"stored": 7, "total": 7}));
    assert_eq!(account["last_sync_at"], "2026-01-01T00:00:00Z");
    assert_eq!(account["last_error"], "");

    let uri = format!("/api/mail/folders?account_id={}", mailbox.account);
    let (s, folders) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{folders}");
    let inbox = folders["data"]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == mailbox.inbox.to_string())
        .unwrap();
    assert_eq!(
        (&inbox["kind"], &inbox["role"], &inbox["total"]),
        (&json!("system"), &json!("INBOX"), &json!(5))
    );
    assert!(inbox.get("unread").is_none(), "an unknown count is left out: {inbox}");
}

#[actix_web::test]
async fn message_filters_narrow_the_page() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let m = &mailbox.messages;
    let expect = |pick: &dyn Fn(&StoredMessage) -> bool| -> Vec<String> {
        m.iter().filter(|x| pick(x)).map(|x| x.id.to_string()).collect()
    };
    let base = format!("/api/mail/messages?account_id={}", mailbox.account);
    let cases: Vec<(String, Vec<String>)> = vec![
        (String::new(), expect(&|_| true)),
        (
            format!("&folder_id={}", mailbox.archive),
            expect(&|x| x.folder_ids.contains(&mailbox.archive)),
        ),
        ("&thread_id=t-budget".to_owned(), expect(&|x| x.thread_key == "t-budget")),
        (
            "&from=GRACE%40navy.example".to_owned(),
            expect(&|x| x.from.as_ref().unwrap().address == "grace@navy.example"),
        ),
        ("&unread=true".to_owned(), expect(&|x| x.unread)),
        ("&unread=false".to_owned(), expect(&|x| !x.unread)),
        ("&has_attachments=true".to_owned(), expect(&|x| x.has_attachments)),
        (
            format!(
                "&since={}&until={}",
                urlencode(&at(4).to_rfc3339()),
                urlencode(&at(1).to_rfc3339())
            ),
            expect(&|x| x.received_at >= at(4) && x.received_at < at(1)),
        ),
        ("&q=budget".to_owned(), expect(&|x| x.subject.contains("budget"))),
        ("&q=budget&unread=true".to_owned(), expect(&|x| x.subject.contains("budget") && x.unread)),
    ];
    for (filter, wanted) in cases {
        let (s, page) = call(&app, get(&format!("{base}{filter}"), &token)).await;
        assert_eq!(s, 200, "{filter}: {page}");
        assert!(!wanted.is_empty(), "{filter} selects something");
        assert_eq!(ids(&page, "messages"), wanted, "{filter}: newest first, only these");
    }
    let (_, page) = call(&app, get(&base, &token)).await;
    let first = &page["data"]["messages"][0];
    assert_eq!(first["thread_id"], "t-budget");
    assert_eq!(first["from"], json!({"address": "grace@navy.example", "name": "Sender"}));
    assert_eq!(first["folder_ids"], json!([mailbox.inbox.to_string()]));
}

fn urlencode(raw: &str) -> String {
    form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

#[actix_web::test]
async fn pages_by_cursor_cover_every_message_once_newest_first() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let uri =
            format!("/api/mail/messages?account_id={}&limit=2&cursor={cursor}", mailbox.account);
        let (s, page) = call(&app, get(&uri, &token)).await;
        assert_eq!(s, 200, "{page}");
        seen.extend(ids(&page, "messages"));
        pages += 1;
        cursor = page["data"]["next_cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
        assert!(pages < 10, "the cursor moves on");
    }
    let all: Vec<String> = mailbox.messages.iter().map(|m| m.id.to_string()).collect();
    assert_eq!((pages, seen), (4, all), "7 messages by 2: 4 pages, each once, newest first");

    // Threads page the same way: the three-message thread once, then the four lone ones.
    let uri = format!("/api/mail/threads?account_id={}&limit=3", mailbox.account);
    let (s, first) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{first}");
    let next = first["data"]["next_cursor"].as_str().unwrap();
    assert!(!next.is_empty());
    let (_, second) = call(&app, get(&format!("{uri}&cursor={next}"), &token)).await;
    let threads: Vec<String> =
        ids(&first, "threads").into_iter().chain(ids(&second, "threads")).collect();
    assert_eq!(threads, ["t-budget", "t3", "t4", "t5", "t6"], "{first} {second}");
    assert_eq!(second["data"]["next_cursor"], "");
    let budget = &first["data"]["threads"][0];
    assert_eq!((&budget["messages"], &budget["unread"]), (&json!(3), &json!(1)), "{budget}");
    let unread_only = format!("/api/mail/threads?account_id={}&unread=true", mailbox.account);
    let (_, unread) = call(&app, get(&unread_only, &token)).await;
    assert_eq!(ids(&unread, "threads"), ["t-budget", "t3", "t5"], "{unread}");
}

#[actix_web::test]
async fn a_message_and_its_thread_read_in_full() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let read = &mailbox.messages[1];
    let (s, message) = call(&app, get(&format!("/api/mail/messages/{}", read.id), &token)).await;
    assert_eq!(s, 200, "{message}");
    let m = &message["data"];
    assert_eq!(m["body"], json!({"text": "Numbers attached.", "html": "<p>Numbers attached.</p>"}));
    assert_eq!(
        m["attachments"],
        json!([{"id": "att-1", "name": "budget 2026 – ü.xlsx", "content_type": "application/vnd.ms-excel", "size": 4096, "inline": false}])
    );
    assert_eq!((&m["internet_message_id"], &m["unread"]), (&json!("<m1@example>"), &json!(true)));
    assert_eq!(m["to"], json!([{"address": "ada@contoso.example"}]));
    assert_eq!(m["cc"], json!([]));

    let thread = format!("/api/mail/threads/t-budget?account_id={}", mailbox.account);
    let (s, thread) = call(&app, get(&thread, &token)).await;
    assert_eq!(s, 200, "{thread}");
    let oldest_first: Vec<String> =
        mailbox.messages[..3].iter().rev().map(|m| m.id.to_string()).collect();
    assert_eq!(
        (&thread["data"]["id"], ids(&thread, "messages")),
        (&json!("t-budget"), oldest_first)
    );
    let (s, _) = call(&app, get("/api/mail/threads/t-budget", &token)).await;
    assert_eq!(s, 200, "the account may be left out");

    let unknown = format!("/api/mail/messages/{}/attachments/att-9", read.id);
    let (s, body) = call(&app, get(&unknown, &token)).await;
    assert_eq!(s, 404, "{body}");
    assert!(assert_error_envelope(&body).contains("attachment"), "{body}");
}

#[actix_web::test]
async fn bad_parameters_are_422s_naming_the_field() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let base = format!("/api/mail/messages?account_id={}", mailbox.account);
    let long_q = "q".repeat(201);
    for (uri, field) in [
        ("/api/mail/messages".to_owned(), "account_id"),
        ("/api/mail/messages?account_id=nope".to_owned(), "account_id"),
        ("/api/mail/folders?account_id=nope".to_owned(), "account_id"),
        ("/api/mail/threads?account_id=nope".to_owned(), "account_id"),
        (format!("{base}&folder_id=nope"), "folder_id"),
        (format!("{base}&cursor=bm90IGEgY3Vyc29y"), "cursor"),
        (format!("{base}&cursor=%%%"), "cursor"),
        (format!("{base}&limit=0"), "limit"),
        (format!("{base}&limit=101"), "limit"),
        (format!("{base}&limit=many"), "limit"),
        (format!("{base}&since=yesterday"), "since"),
        (format!("{base}&until=2026-01-01"), "until"),
        (format!("{base}&unread=maybe"), "unread"),
        (format!("{base}&q={long_q}"), "q"),
        (format!("{base}&q=%20"), "q"),
        (format!("{base}&q=a%00b"), "q"),
        (format!("{base}&colour=red"), "colour"),
        (format!("/api/mail/threads?account_id={}&cursor=xyz", mailbox.account), "cursor"),
        (format!("/api/mail/threads?account_id={}&limit=101", mailbox.account), "limit"),
        ("/api/mail/threads/t-budget?account_id=nope".to_owned(), "account_id"),
    ] {
        let (s, body) = call(&app, get(&uri, &token)).await;
        assert_eq!(s, 422, "{uri}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{uri}: {body}");
    }
    let (s, body) = call(&app, get(&format!("{base}&q={}", "q".repeat(200)), &token)).await;
    assert_eq!(s, 200, "200 characters is the bound: {body}");
    let (s, body) = call(&app, get(&format!("{base}&limit=100"), &token)).await;
    assert_eq!(s, 200, "{body}");

    let (s, err) = call(
        &app,
        bearer(
            patch(
                &format!("/api/mail/messages/{}", mailbox.messages[0].id),
                json!({"unread": "yes"}),
            ),
            &token,
        ),
    )
    .await;
    assert_eq!((s, err["errors"][0]["field"].as_str()), (422, Some("unread")), "{err}");
}

#[actix_web::test]
async fn a_message_to_send_without_a_valid_recipient_is_a_422_naming_the_field() {
    let (app, uow, _) = writing_app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let account = mailbox.account.to_string();
    let to = json!([{"address": "b@example.org"}]);
    for (body, field) in [
        (json!({"account_id": account, "to": [], "body": "hi"}), "to"),
        (json!({"account_id": "nope", "to": to, "body": "hi"}), "account_id"),
        (json!({"account_id": account, "to": [{"address": "not an address"}], "body": "hi"}), "to"),
        (json!({"account_id": account, "to": to, "cc": [{"address": "@"}], "body": "hi"}), "cc"),
        (json!({"account_id": account, "to": to, "body": "a\u{0}b"}), "body"),
        (
            json!({"account_id": account, "to": [{"address": "b@example.org", "name": "B\u{0}"}], "body": "hi"}),
            "to[0].name",
        ),
        (
            json!({"account_id": account, "to": to, "body": "hi", "reply_to_message_id": "nope"}),
            "reply_to_message_id",
        ),
    ] {
        let (s, err) = call(&app, bearer(post("/api/mail/messages", body.clone()), &token)).await;
        assert_eq!(s, 422, "{body}: {err}");
        assert_eq!(err["errors"][0]["field"], field, "{body}: {err}");
    }
}

#[actix_web::test]
async fn writes_turned_off_are_409s_naming_the_setting() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let uri = format!("/api/mail/messages/{}", mailbox.messages[1].id);
    let (s, body) = call(&app, bearer(patch(&uri, json!({"unread": false})), &token)).await;
    assert_eq!(s, 409, "{body}");
    assert!(assert_error_envelope(&body).contains("mail.write_back"), "{body}");
    assert_eq!(fields(&body)[0].1, "feature_disabled");
    let send = json!({"account_id": mailbox.account.to_string(), "to": [{"address": "b@example.org"}], "subject": "Hi", "body": "Hello"});
    let (s, body) = call(&app, bearer(post("/api/mail/messages", send), &token)).await;
    assert_eq!(s, 409, "{body}");
    assert!(assert_error_envelope(&body).contains("mail.send"), "{body}");
    let (_, after) = call(&app, get(&uri, &token)).await;
    assert_eq!(after["data"]["unread"], true, "nothing changed");
}

#[actix_web::test]
async fn linking_starts_only_for_a_provider_it_can_tell_and_an_allowed_redirect() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let link = |body: Value| bearer(post("/api/mail/link", body), &token);

    let (s, body) = call(&app, link(json!({"email": "ada@example.org"}))).await;
    assert_eq!(
        (s, fields(&body)),
        (422, vec![("provider".to_owned(), "required".to_owned())]),
        "{body}"
    );
    assert!(assert_error_envelope(&body).contains("give `provider`"), "{body}");
    for (body, field, code) in [
        (json!({"email": "ada@gmail.com"}), "provider", "not_configured"),
        (json!({"email": "ada@example.org", "provider": "yahoo"}), "provider", "invalid"),
        (json!({"email": "not an address"}), "email", "invalid"),
        (
            json!({"email": "ada@contoso.example", "redirect_uri": "https://evil.example/cb"}),
            "redirect_uri",
            "not_allowed",
        ),
        (
            json!({"email": "ada@contoso.example", "redirect_uri": "app://linked"}),
            "redirect_uri",
            "not_allowed",
        ),
    ] {
        let (s, err) = call(&app, link(body.clone())).await;
        assert_eq!(
            (s, fields(&err)),
            (422, vec![(field.to_owned(), code.to_owned())]),
            "{body}: {err}"
        );
    }
    let (s, h, body) = json_call(&app, link(json!({"email": "ada@dns-down.example"}))).await;
    assert_eq!((s, h.get("retry-after").map(|v| v.to_str().unwrap())), (503, Some("10")), "{body}");
    assert_eq!(fields(&body)[0], ("provider".to_owned(), "lookup_failed".to_owned()));

    // The MX records of contoso.example point at Microsoft 365.
    let req = link(json!({"email": "ada@contoso.example", "redirect_uri": ALLOWED_REDIRECT}));
    let (s, h, body) = json_call(&app, req).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"]["provider"], "microsoft");
    let url = body["data"]["authorization_url"].as_str().unwrap();
    assert!(
        url.starts_with(AUTHORIZE) && url.contains("login_hint=ada%40contoso.example"),
        "{url}"
    );
    let cookie = h.get("set-cookie").unwrap().to_str().unwrap();
    for part in [
        "switchboard_oauth_mail=",
        "Path=/api/mail/link/callback",
        "HttpOnly",
        "SameSite=Lax",
        "Max-Age=600",
    ] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
}

/// Starts a link as `token`: the state and the browser's binding cookie.
async fn start_link(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    body: Value,
) -> (String, String) {
    let (s, h, started) = json_call(app, bearer(post("/api/mail/link", body), token)).await;
    assert_eq!(s, 200, "{started}");
    let url = started["data"]["authorization_url"].as_str().unwrap();
    let (_, query) = url.split_once('?').unwrap();
    let state = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let cookie = h.get("set-cookie").unwrap().to_str().unwrap();
    let binding = cookie.split(';').next().unwrap().to_owned();
    (state, binding)
}

fn callback(query: &str) -> TestRequest {
    TestRequest::get().uri(&format!("/api/mail/link/callback?{query}"))
}

#[actix_web::test]
async fn the_callback_refuses_foreign_replayed_and_denied_authorizations() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    let (_, eve) = member(&app, "eve@example.org").await;
    let start = json!({"email": "ada@contoso.example"});

    // Eve, signed in, brings back Ada's authorization: refused, and spent.
    let (state, binding) = start_link(&app, &ada, start.clone()).await;
    let foreign = bearer(callback(&format!("code=c&state={state}")), &eve);
    let (s, h, body) = json_call(&app, foreign).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (403, "state_mismatch"), "{body}");
    assert!(
        h.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"),
        "the cookie goes"
    );
    let replay = callback(&format!("code=c&state={state}")).insert_header(("Cookie", binding));
    let (s, body) = call(&app, replay).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (400, "state_invalid"), "{body}");

    // Another browser (no binding) without a client redirect URI links nothing.
    let (state, _) = start_link(&app, &ada, start.clone()).await;
    let (s, body) = call(&app, callback(&format!("code=c&state={state}"))).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (403, "other_browser"), "{body}");

    // Ada's own browser: the code goes to the provider, which refuses it; replaying the
    // state afterwards is refused as spent.
    let (state, binding) = start_link(&app, &ada, start.clone()).await;
    let own = callback(&format!("code=c&state={state}")).insert_header(("Cookie", binding.clone()));
    let (s, body) = call(&app, own).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (400, "grant_refused"), "{body}");
    let replay = callback(&format!("code=c&state={state}")).insert_header(("Cookie", binding));
    let (s, body) = call(&app, replay).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (400, "state_invalid"), "{body}");

    // Cancelled at the provider; a state never issued.
    let (state, binding) = start_link(&app, &ada, start).await;
    let denied = callback(&format!("error=access_denied&error_description=no&state={state}"))
        .insert_header(("Cookie", binding));
    let (s, body) = call(&app, denied).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (403, "denied"), "{body}");
    let (s, body) = call(&app, callback("code=c&state=forged")).await;
    assert_eq!(s, 400, "{body}");
    assert_error_envelope(&body);

    let (s, body) =
        call(&app, bearer(post("/api/mail/link/complete", json!({"code": "forged"})), &ada)).await;
    assert_eq!(
        (s, fields(&body)),
        (422, vec![("code".to_owned(), "link_code_invalid".to_owned())]),
        "{body}"
    );
    let (_, _, accounts) = json_call(&app, get("/api/mail/accounts", &ada)).await;
    assert_eq!(accounts["data"]["accounts"], json!([]), "nothing was linked");
}

#[actix_web::test]
async fn assertions_microsoft_refuses_or_wants_consent_for_answer_so() {
    let (app, _) = app!(identity(ManualClock::default()));
    let (_, token) = member(&app, "ada@example.org").await;
    let obo = |assertion: &str| {
        bearer(post("/api/mail/link/microsoft/obo", json!({"assertion": assertion})), &token)
    };
    let (s, body) = call(&app, obo("forged")).await;
    assert_eq!(
        (s, fields(&body)),
        (422, vec![("assertion".to_owned(), "invalid".to_owned())]),
        "{body}"
    );
    let (s, body) = call(&app, obo(NEEDS_CONSENT)).await;
    assert_eq!(
        (s, fields(&body)[0].clone()),
        (409, ("assertion".to_owned(), "consent_required".to_owned())),
        "{body}"
    );
    assert_eq!(body["data"], json!({"error": "consent_required", "claims": CLAIMS}), "{body}");

    let sign_in = |assertion: &str| post("/api/auth/microsoft", json!({"assertion": assertion}));
    let (s, h, body) = json_call(&app, sign_in("forged")).await;
    assert_eq!(s, 401, "{body}");
    assert!(h.get("www-authenticate").is_some());
    let (s, body) = call(&app, sign_in(NEEDS_CONSENT)).await;
    assert_eq!((s, &body["data"]["claims"]), (409, &json!(CLAIMS)), "{body}");

    // In Protobuf, the same data arrives as the message the contract names.
    let req = sign_in(NEEDS_CONSENT).insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 409);
    let bytes = test::read_body(res).await;
    let pool = crate::contract::shipped_contract();
    let envelope = pool.get_message_by_name("switchboard.common.v1.Envelope").unwrap();
    let envelope = prost_reflect::DynamicMessage::decode(envelope, bytes).unwrap();
    let data = envelope.get_field_by_name("data").unwrap();
    let type_url = data.as_message().unwrap().get_field_by_name("type_url").unwrap();
    assert_eq!(
        type_url.as_str(),
        Some("type.googleapis.com/switchboard.v1.MailInteractionRequired")
    );
}

#[actix_web::test]
async fn a_second_user_gets_404_for_every_mail_id_of_the_first() {
    let (app, uow, _) = writing_app!(identity(ManualClock::default()));
    let (owner, owner_token) = member(&app, "owner@example.org").await;
    let mailbox = seed(&uow, &owner, "owner@contoso.example").await;
    let (intruder, intruder_token) = member(&app, "intruder@example.org").await;
    // The intruder has a mailbox too, so an empty answer is not mistaken for a refusal.
    let theirs = seed(&uow, &intruder, "intruder@contoso.example").await;
    let message = mailbox.messages[1].id;

    let routes = |account: &str, folder: &str, message: &str, thread: &str| {
        let t = &intruder_token;
        vec![
            get(&format!("/api/mail/accounts/{account}"), t),
            bearer(post(&format!("/api/mail/accounts/{account}/sync"), json!({})), t),
            get(&format!("/api/mail/folders?account_id={account}"), t),
            get(&format!("/api/mail/messages?account_id={account}"), t),
            get(&format!("/api/mail/messages?account_id={}&folder_id={folder}", theirs.account), t),
            get(&format!("/api/mail/threads?account_id={account}"), t),
            get(&format!("/api/mail/threads?account_id={}&folder_id={folder}", theirs.account), t),
            get(&format!("/api/mail/threads/{thread}?account_id={account}"), t),
            get(&format!("/api/mail/messages/{message}"), t),
            bearer(patch(&format!("/api/mail/messages/{message}"), json!({"unread": false})), t),
            get(&format!("/api/mail/messages/{message}/attachments/att-1"), t),
            bearer(
                post(
                    "/api/mail/messages",
                    json!({"account_id": account, "to": [{"address": "x@example.org"}], "body": "hi"}),
                ),
                t,
            ),
            bearer(
                post(
                    "/api/mail/messages",
                    json!({"account_id": theirs.account.to_string(), "to": [{"address": "x@example.org"}], "body": "hi", "reply_to_message_id": message}),
                ),
                t,
            ),
            delete(&format!("/api/mail/accounts/{account}"), t),
        ]
    };
    let owned = routes(
        &mailbox.account.to_string(),
        &mailbox.inbox.to_string(),
        &message.to_string(),
        "t3",
    );
    let unknown_id = uuid::Uuid::new_v4().to_string();
    let unknown = routes(&unknown_id, &unknown_id, &unknown_id, "t-none");
    for (i, (req, unknown_req)) in owned.into_iter().zip(unknown).enumerate() {
        let (s, body) = call(&app, req).await;
        let (s2, body2) = call(&app, unknown_req).await;
        assert_eq!((s, s2), (404, 404), "route {i}: {body} / {body2}");
        assert_eq!(
            body["message"], body2["message"],
            "route {i}: as for an id that does not exist"
        );
    }
    // The intruder's own thread of the same key is theirs alone.
    let (s, thread) = call(&app, get("/api/mail/threads/t-budget", &intruder_token)).await;
    assert_eq!(s, 200);
    let own: HashSet<String> = theirs.messages[..3].iter().map(|m| m.id.to_string()).collect();
    assert_eq!(ids(&thread, "messages").into_iter().collect::<HashSet<_>>(), own);

    // The owner's mailbox is intact.
    let uri = format!("/api/mail/messages?account_id={}", mailbox.account);
    let (s, page) = call(&app, get(&uri, &owner_token)).await;
    assert_eq!((s, ids(&page, "messages").len()), (200, 7), "{page}");
    let (_, m) = call(&app, get(&format!("/api/mail/messages/{message}"), &owner_token)).await;
    assert_eq!(m["data"]["unread"], true, "still unread");
    let (s, _) =
        call(&app, delete(&format!("/api/mail/accounts/{}", mailbox.account), &owner_token)).await;
    assert_eq!(s, 200, "the owner can unlink it");
}

#[actix_web::test]
async fn linking_in_the_starting_browser_redirects_with_the_account_or_answers_it() {
    let (app, _, _) = writing_app!(identity(ManualClock::default()));
    let (_, ada) = member(&app, "ada@example.org").await;
    let start = json!({"email": MAILBOX, "redirect_uri": ALLOWED_REDIRECT});
    let (state, binding) = start_link(&app, &ada, start).await;
    let back = callback(&format!("code={GOOD_CODE}&state={state}&session_state=s"))
        .insert_header(("Cookie", binding));
    let res = test::call_service(&app, back.to_request()).await;
    assert_eq!(res.status(), 303);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.contains("Max-Age=0") && cookie.contains("Path=/api/mail/link/callback"));
    let (_, list) = call(&app, get("/api/mail/accounts", &ada)).await;
    let account = &list["data"]["accounts"][0];
    assert_eq!(
        location,
        format!("{ALLOWED_REDIRECT}&account_id={}", account["id"].as_str().unwrap())
    );
    assert_eq!(
        (&account["address"], &account["status"]),
        (&json!(MAILBOX), &json!("syncing")),
        "{list}"
    );
    assert_eq!(account["display_name"], "Ada Lovelace");

    // Without a redirect URI the callback answers the account; the same mailbox again keeps it.
    let (state, binding) = start_link(&app, &ada, json!({"email": MAILBOX})).await;
    let back =
        callback(&format!("code={GOOD_CODE}&state={state}")).insert_header(("Cookie", binding));
    let (s, linked) = call(&app, back).await;
    assert_eq!(s, 200, "{linked}");
    assert_eq!(
        (&linked["data"]["account"]["id"], &linked["data"]["created"]),
        (&account["id"], &json!(false))
    );
}

#[actix_web::test]
async fn a_browser_that_did_not_start_gets_a_code_only_the_starter_can_complete() {
    let (app, _, _) = writing_app!(identity(ManualClock::default()));
    let (_, attacker) = member(&app, "mallory@example.org").await;
    let (_, victim) = member(&app, "victim@example.org").await;
    let start = json!({"email": MAILBOX, "redirect_uri": ALLOWED_REDIRECT});

    // Mallory starts and sends the link to the victim, who consents in their own browser.
    let (state, _) = start_link(&app, &attacker, start.clone()).await;
    let res =
        test::call_service(&app, callback(&format!("code={GOOD_CODE}&state={state}")).to_request())
            .await;
    assert_eq!(res.status(), 303);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let code = location
        .strip_prefix(&format!("{ALLOWED_REDIRECT}&code="))
        .unwrap_or_else(|| panic!("{location}"));
    // The code lands in the victim's app, signed in as the victim: it is not theirs.
    let complete =
        |token: &str| bearer(post("/api/mail/link/complete", json!({"code": code})), token);
    let (s, body) = call(&app, complete(&victim)).await;
    assert_eq!((s, fields(&body)[0].1.as_str()), (422, "link_code_invalid"), "{body}");
    for token in [&attacker, &victim] {
        let (_, list) = call(&app, get("/api/mail/accounts", token)).await;
        assert_eq!(list["data"]["accounts"], json!([]), "nothing linked: {list}");
    }

    // The starter's own app completes its own code, once.
    let (state, _) = start_link(&app, &victim, start).await;
    let res =
        test::call_service(&app, callback(&format!("code={GOOD_CODE}&state={state}")).to_request())
            .await;
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    let code = location.rsplit_once("code=").unwrap().1.to_owned();
    let (s, linked) =
        call(&app, bearer(post("/api/mail/link/complete", json!({"code": code})), &victim)).await;
    assert_eq!((s, &linked["data"]["created"]), (200, &json!(true)), "{linked}");
    assert_eq!(linked["data"]["account"]["address"], MAILBOX);
    let (s, again) =
        call(&app, bearer(post("/api/mail/link/complete", json!({"code": code})), &victim)).await;
    assert_eq!(s, 422, "once: {again}");
}

#[actix_web::test]
async fn a_microsoft_token_signs_in_and_links_the_mailbox() {
    let (app, _, _) = writing_app!(identity(ManualClock::default()));
    let sign_in = || post("/api/auth/microsoft", json!({"assertion": VALID_ASSERTION}));
    let (s, first) = call(&app, sign_in()).await;
    assert_eq!(s, 200, "{first}");
    let data = &first["data"];
    assert_eq!(
        (&data["token_type"], &data["created_user"]),
        (&json!("Bearer"), &json!(true)),
        "{first}"
    );
    assert!(
        data["expires_in"].as_u64().unwrap() > 0
            && !data["refresh_token"].as_str().unwrap().is_empty()
    );
    assert_eq!(data["linked"]["account"]["address"], MAILBOX);
    let token = data["access_token"].as_str().unwrap();
    let (s, list) = call(&app, get("/api/mail/accounts", token)).await;
    assert_eq!((s, &list["data"]["accounts"][0]["id"]), (200, &data["linked"]["account"]["id"]));
    let (s, again) = call(&app, sign_in()).await;
    assert_eq!((s, &again["data"]["created_user"]), (200, &json!(false)), "{again}");
    assert_eq!(again["data"]["linked"]["account"]["id"], data["linked"]["account"]["id"]);

    // On-Behalf-Of for a signed-in user links the same way.
    let (_, ada) = member(&app, "ada@example.org").await;
    let obo =
        bearer(post("/api/mail/link/microsoft/obo", json!({"assertion": VALID_ASSERTION})), &ada);
    let (s, linked) = call(&app, obo).await;
    assert_eq!((s, &linked["data"]["created"]), (200, &json!(true)), "{linked}");
}

/// Links Ada's mailbox through the callback; its account id.
async fn linked_mailbox(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
) -> String {
    let (state, binding) = start_link(app, token, json!({"email": MAILBOX})).await;
    let back =
        callback(&format!("code={GOOD_CODE}&state={state}")).insert_header(("Cookie", binding));
    let (s, linked) = call(app, back).await;
    assert_eq!(s, 200, "{linked}");
    linked["data"]["account"]["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn an_attachment_streams_with_its_type_length_and_file_name() {
    let (app, uow, _) = writing_app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let account: MailAccountId = linked_mailbox(&app, &token).await.parse().unwrap();
    let mailbox = seed_into(&uow, &user, account).await;
    let message = &mailbox.messages[4];
    assert!(message.body.is_none(), "read from the provider on first access");

    let (s, read) = call(&app, get(&format!("/api/mail/messages/{}", message.id), &token)).await;
    assert_eq!(s, 200, "{read}");
    assert_eq!(read["data"]["body"], json!({"text": "Read from the provider."}));
    assert_eq!(read["data"]["attachments"][0]["id"], pdf().id);
    assert_eq!(read["data"]["id"], message.id.to_string(), "the same message, completed");

    let uri = format!("/api/mail/messages/{}/attachments/{}", message.id, pdf().id);
    let res = test::call_service(&app, get(&uri, &token).to_request()).await;
    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers().get(name).unwrap().to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-length"), pdf().size.to_string());
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename*=UTF-8''budget%202026%20%E2%80%93%20%C3%BC.pdf"
    );
    let bytes = test::read_body(res).await;
    assert_eq!(bytes.to_vec(), PDF_CHUNKS.concat());

    let missing = format!("/api/mail/messages/{}/attachments/att-gone", message.id);
    let (s, body) = call(&app, get(&missing, &token)).await;
    assert_eq!(s, 404, "{body}");
}

#[actix_web::test]
async fn read_state_and_messages_go_to_the_provider_when_enabled() {
    let (app, uow, sources) = writing_app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let account: MailAccountId = linked_mailbox(&app, &token).await.parse().unwrap();
    let mailbox = seed_into(&uow, &user, account).await;
    let message = &mailbox.messages[1];

    let uri = format!("/api/mail/messages/{}", message.id);
    let (s, body) = call(&app, bearer(patch(&uri, json!({"unread": false})), &token)).await;
    assert_eq!((s, &body["data"]["unread"]), (200, &json!(false)), "{body}");
    assert_eq!(*sources.marked.lock().unwrap(), [(message.provider_id.clone(), false)]);
    let (_, after) = call(&app, get(&uri, &token)).await;
    assert_eq!(after["data"]["unread"], false);

    let send = json!({
        "account_id": account.to_string(),
        "to": [{"address": "grace@navy.example", "name": "Grace"}],
        "subject": "Re: Quarterly budget",
        "body": "Thanks.",
        "reply_to_message_id": message.id.to_string(),
    });
    let (s, body) = call(&app, bearer(post("/api/mail/messages", send), &token)).await;
    assert_eq!((s, &body["data"]["account_id"]), (202, &json!(account.to_string())), "{body}");
    let sent = sources.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].reply_to.as_deref(), Some(message.provider_id.as_str()));
    assert_eq!(sent[0].to, [address("grace@navy.example", Some("Grace"))]);
    assert_eq!(
        (sent[0].subject.as_str(), sent[0].body.as_str()),
        ("Re: Quarterly budget", "Thanks.")
    );
}
