//! The mail routes over the memory store, with mailboxes seeded straight into it: what each
//! route answers, its filters and pages, its refusals naming the field, attachments and
//! writes through a fake provider. Linking is in `mail_link.rs`, ownership in `ownership.rs`.

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
use switchboard_memory::{ManualClock, MemoryStore};
use switchboard_ports::{MailStore, UnitOfWork};

use crate::accounts::{app, bearer, get, member, patch, post};
use crate::fake_mail::{PDF_CHUNKS, pdf};
use crate::mail_link::linked_mailbox;
use crate::support::{assert_error_envelope, identity, json_call};

/// A seeded mailbox: its account, folders and messages (newest first).
pub struct Mailbox {
    pub account: MailAccountId,
    pub inbox: MailFolderId,
    pub archive: MailFolderId,
    pub messages: Vec<StoredMessage>,
}

fn at(hours_ago: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap() - Duration::hours(hours_ago)
}

fn address(address: &str, name: Option<&str>) -> MailAddress {
    MailAddress { address: address.to_owned(), name: name.map(str::to_owned) }
}

/// A new account of `owner`'s for `address_of`, with [`seed_into`]'s mail.
pub async fn seed(uow: &MemoryStore, owner: &str, address_of: &str) -> Mailbox {
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

pub async fn call(
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

pub fn ids(page: &Value, list: &str) -> Vec<String> {
    page["data"][list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list}: {page}"))
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn fields(body: &Value) -> Vec<(String, String)> {
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
        let mut deps =
            crate::support::deps_with(switchboard_memory::StaticReadiness::ready(), id.clone());
        deps.mail = actix_web::web::Data::new(switchboard_services::MailService::new(
            id.uow.clone(),
            id.clock.clone(),
            id.secrets.clone(),
            crate::fake_mail::FakeMail { mx: crate::support::mx_table(), sources: sources.clone() },
            switchboard_services::MailPolicy {
                write_back: true,
                send: true,
                allowed_redirect_uris: vec![crate::support::ALLOWED_REDIRECT.to_owned()],
                ..switchboard_services::MailPolicy::default()
            },
        ));
        (actix_web::test::init_service(switchboard_http::build_app(deps)).await, uow, sources)
    }};
}
pub(crate) use writing_app;

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

/// The envelope's `data` of a Protobuf answer, decoded with the shipped `.proto` files as
/// `switchboard.v1.{message}`.
pub fn protobuf_data(body: actix_web::web::Bytes, message: &str) -> prost_reflect::DynamicMessage {
    use prost_reflect::{DynamicMessage, Value as Field};
    let pool = crate::contract::shipped_contract();
    let envelope = pool.get_message_by_name("switchboard.common.v1.Envelope").unwrap();
    let envelope = DynamicMessage::decode(envelope, body).unwrap();
    let any = envelope.get_field_by_name("data").unwrap();
    let any = any.as_message().unwrap();
    let type_url = any.get_field_by_name("type_url").unwrap();
    let expected = format!("type.googleapis.com/switchboard.v1.{message}");
    assert_eq!(type_url.as_str(), Some(expected.as_str()));
    let value = any.get_field_by_name("value").unwrap();
    let Field::Bytes(value) = value.as_ref() else { panic!("Any.value is bytes") };
    let descriptor = pool.get_message_by_name(&format!("switchboard.v1.{message}")).unwrap();
    DynamicMessage::decode(descriptor, value.clone()).unwrap()
}

#[actix_web::test]
async fn answers_decode_with_the_shipped_proto_and_name_its_fields_in_json() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (user, token) = member(&app, "ada@example.org").await;
    let mailbox = seed(&uow, &user, "ada@contoso.example").await;
    let read = &mailbox.messages[1];
    let uri = format!("/api/mail/messages/{}", read.id);
    let req = get(&uri, &token).insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    let message = protobuf_data(test::read_body(res).await, "MailMessage");
    let subject = message.get_field_by_name("subject").unwrap();
    assert_eq!(subject.as_str(), Some(read.subject.as_str()));
    let attachments = message.get_field_by_name("attachments").unwrap();
    assert_eq!(attachments.as_list().map(<[_]>::len), Some(1));

    let uri = format!("/api/mail/messages?account_id={}&limit=3", mailbox.account);
    let req = get(&uri, &token).insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(&app, req.to_request()).await;
    let page = protobuf_data(test::read_body(res).await, "MailMessagePage");
    let next = page.get_field_by_name("next_cursor").unwrap();
    assert!(!next.as_str().unwrap().is_empty());

    // JSON spells the fields as the contract does; only `optional` ones may be left out.
    let pool = crate::contract::shipped_contract();
    let (_, json) = call(&app, get(&format!("/api/mail/messages/{}", read.id), &token)).await;
    let descriptor = pool.get_message_by_name("switchboard.v1.MailMessage").unwrap();
    let mut named: Vec<String> = json["data"].as_object().unwrap().keys().cloned().collect();
    let mut declared: Vec<String> = descriptor.fields().map(|f| f.name().to_owned()).collect();
    named.sort();
    declared.sort();
    assert_eq!(named, declared, "every field of a read message is present");
    let uri = format!("/api/mail/accounts/{}", mailbox.account);
    let (_, account) = call(&app, get(&uri, &token)).await;
    let descriptor = pool.get_message_by_name("switchboard.v1.MailAccountInfo").unwrap();
    for key in account["data"].as_object().unwrap().keys() {
        assert!(descriptor.get_field_by_name(key).is_some(), "{key} is in the contract");
    }
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
