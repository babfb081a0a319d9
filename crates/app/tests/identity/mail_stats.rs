//! The mail analytics routes over PostgreSQL, on a planted mailbox written as a sync writes it
//! (messages and their `added` events in one transaction): known senders and topics surface in
//! top senders, hot topics and the digest; a thread with quoted replies is summarised without
//! its quotes; stored results follow the messages; every route refuses bad input with a 4xx
//! naming it, and answers another user 404.

use actix_web::test::TestRequest;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use switchboard_domain::mail::{
    FolderKind, FolderRole, MailAccount, MailAccountId, MailAccountStatus, MailAddress, MailFolder,
    MailFolderId, MailMessageId, MailProvider, MessageBody, StoredMessage, SyncProgress,
};
use switchboard_domain::{NewEvent, UserId};
use switchboard_memory::ManualClock;
use switchboard_ports::{MailStore, StoreError, Transaction, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

use crate::seed::{login, member};
use crate::stats::{half_past, stats_service};
use crate::support::{call, config, count, instance};

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

/// A planted mailbox: its account, its inbox and its `Projects` folder.
struct Planted {
    account: MailAccountId,
    inbox: MailFolderId,
    projects: MailFolderId,
}

/// A message of the planted mailbox, in `(account, folder)`.
fn message(
    (account, folder): (MailAccountId, MailFolderId),
    key: &str,
    thread: &str,
    from: (&str, &str),
    subject: &str,
    body: &str,
    at: DateTime<Utc>,
) -> StoredMessage {
    StoredMessage {
        id: MailMessageId::new(),
        account_id: account,
        provider_id: key.to_owned(),
        thread_key: thread.to_owned(),
        folder_ids: vec![folder],
        subject: subject.to_owned(),
        from: Some(MailAddress { name: Some(from.0.to_owned()), address: from.1.to_owned() }),
        to: vec![MailAddress { name: None, address: "ada@example.org".to_owned() }],
        cc: Vec::new(),
        received_at: at,
        sent_at: Some(at),
        unread: true,
        has_attachments: false,
        snippet: body.chars().take(60).collect(),
        internet_message_id: None,
        body: Some(MessageBody { text: Some(body.to_owned()), html: None }),
        attachments: Vec::new(),
    }
}

/// Writes `messages` as a sync page does: upserted, one `added` event each, owned by `owner`.
async fn deliver(uow: &PgUnitOfWork, owner: UserId, messages: Vec<StoredMessage>) {
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.upsert_mail_messages(&messages).await?;
            let events = messages
                .iter()
                .map(|m| {
                    let snapshot = serde_json::to_value(m).unwrap();
                    NewEvent::added(StoredMessage::EVENT_MODEL, m.id.to_string(), snapshot)
                        .owned_by(Some(owner))
                })
                .collect();
            tx.append_events(events).await?;
            Ok::<_, StoreError>(())
        })
    })
    .await
    .unwrap();
}

/// `n` messages from a newcomer, Zed, in the last minutes before `now`, delivered to the
/// planted inbox as a sync page delivers them.
async fn from_zed(uow: &PgUnitOfWork, owner: UserId, p: &Planted, now: DateTime<Utc>, n: i64) {
    let zed = ("Zed", "zed@example.org");
    let news: Vec<StoredMessage> = (0..n)
        .map(|i| {
            let at = now - TimeDelta::minutes(10 + i);
            message((p.account, p.inbox), &format!("z{i}"), "tz", zed, "Hello", "Hello there.", at)
        })
        .collect();
    deliver(uow, owner, news).await;
}

/// Rewrites the cutover thread's first message with another body: what a summary reads
/// changes, and so does the thread's version.
async fn postpone_cutover(uow: &PgUnitOfWork, p: &Planted, now: DateTime<Utc>) {
    let mut edited = cutover_thread(p, now).remove(0);
    edited.body = Some(MessageBody {
        text: Some("The cutover is postponed to Sunday because the trucks are late.".into()),
        html: None,
    });
    let ids = uow
        .transact(move |tx| Box::pin(async move { tx.upsert_mail_messages(&[edited]).await }))
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
}

const GRACE: (&str, &str) = ("Grace Hopper", "Grace@Navy.example");
const ALAN: (&str, &str) = ("Alan Turing", "alan@bletchley.example");
const NEWS: (&str, &str) = ("Cafeteria", "news@canteen.example");

/// The thread `t-cutover`: Grace's plan, then replies quoting it Gmail and Outlook style, and a
/// forward. Quoted lines carry a phrase ("zebra crossing") that no author wrote in their own
/// words, and the signatures a phone number.
fn cutover_thread(p: &Planted, now: DateTime<Utc>) -> Vec<StoredMessage> {
    let m = TimeDelta::minutes;
    let bodies = [
        (
            GRACE,
            "The datacenter migration cutover starts Saturday at six. The storage arrays move first, then the database servers.\n\nBest regards,\nGrace Hopper\n+1 555 0100\n",
        ),
        (
            ALAN,
            "The database servers need a fresh backup before the datacenter migration cutover.\n\nOn Fri, 4 Dec 2026 at 09:00, Grace Hopper <grace@navy.example> wrote:\n> The datacenter migration cutover starts Saturday at six.\n> Remember the zebra crossing permit for the trucks.\n",
        ),
        (
            GRACE,
            "Backups are scheduled for Friday night, well before the cutover.\n\n-- \nGrace Hopper\n+1 555 0100\n\n________________________________\nFrom: Alan Turing <alan@bletchley.example>\nSent: Friday, December 4, 2026 10:00 AM\nTo: Grace Hopper <grace@navy.example>\nSubject: Re: Datacenter migration cutover\n\nThe zebra crossing permit expired, the database servers need a fresh backup.\n",
        ),
        (
            ALAN,
            "Thanks, the backup plan for the cutover looks complete.\n\n---------- Forwarded message ---------\nFrom: Facilities <facilities@navy.example>\nDate: Fri, Dec 4, 2026 at 8:00 AM\nSubject: Zebra crossing\nTo: <alan@bletchley.example>\n\nThe zebra crossing permit is renewed.\n",
        ),
    ];
    bodies
        .iter()
        .enumerate()
        .map(|(i, (from, body))| {
            let subject = if i == 0 {
                "Datacenter migration cutover"
            } else {
                "Re: Datacenter migration cutover"
            };
            let at = now - m(200 - 30 * i64::try_from(i).unwrap());
            message(
                (p.account, p.projects),
                &format!("c{i}"),
                "t-cutover",
                *from,
                subject,
                body,
                at,
            )
        })
        .collect()
}

/// ada's mailbox: in the past day Grace (7 messages with the thread's two) writes about the
/// datacenter migration, Alan (5 with the thread's two) about the payroll audit, one message
/// is the cafeteria's; the week before, the cafeteria's menu every day.
async fn plant(db: &TestDb, ada: UserId, now: DateTime<Utc>) -> Planted {
    let uow = PgUnitOfWork::new(db.pool());
    let account = MailAccount {
        id: MailAccountId::new(),
        user_id: ada,
        provider: MailProvider::Google,
        provider_account_id: "ada@example.org".to_owned(),
        address: "ada@example.org".to_owned(),
        display_name: "Ada".to_owned(),
        status: MailAccountStatus::Active,
        progress: SyncProgress { stored: 0, total: None },
        last_sync_at: None,
        last_error: None,
        created_at: now - TimeDelta::days(20),
    };
    let folder = |name: &str, role: Option<FolderRole>| MailFolder {
        id: MailFolderId::new(),
        account_id: account.id,
        provider_id: name.to_owned(),
        parent_id: None,
        name: name.to_owned(),
        kind: if role.is_some() { FolderKind::System } else { FolderKind::Label },
        role,
        total: None,
        unread: None,
        sync_cursor: None,
    };
    let folders = vec![folder("INBOX", Some(FolderRole::Inbox)), folder("Projects", None)];
    let planted = Planted { account: account.id, inbox: folders[0].id, projects: folders[1].id };
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.save_mail_account(&account).await?;
            tx.upsert_mail_folders(&folders).await.map(|_| ())
        })
    })
    .await
    .unwrap();

    let (h, d) = (TimeDelta::hours, TimeDelta::days);
    let mut mail = Vec::new();
    for i in 0..5 {
        let body = format!(
            "Status {i} of the datacenter migration: rack {i} is wired and the datacenter migration checklist is updated."
        );
        let at = now - h(2 + 3 * i);
        let subject = "Datacenter migration status";
        mail.push(message(
            (planted.account, planted.inbox),
            &format!("g{i}"),
            &format!("tg{i}"),
            GRACE,
            subject,
            &body,
            at,
        ));
    }
    for i in 0..3 {
        let body = format!("The payroll audit needs the ledger export number {i} by Monday.");
        let at = now - h(1 + 4 * i);
        mail.push(message(
            (planted.account, planted.inbox),
            &format!("a{i}"),
            &format!("ta{i}"),
            ALAN,
            "Payroll audit",
            &body,
            at,
        ));
    }
    let lunch = "Today the cafeteria menu has soup and salad.";
    mail.push(message(
        (planted.account, planted.inbox),
        "n0",
        "tn0",
        NEWS,
        "Cafeteria menu",
        lunch,
        now - h(5),
    ));
    for day in 2..8 {
        let at = now - d(day);
        mail.push(message(
            (planted.account, planted.inbox),
            &format!("n{day}"),
            &format!("tn{day}"),
            NEWS,
            "Cafeteria menu",
            lunch,
            at,
        ));
    }
    mail.extend(cutover_thread(&planted, now));
    deliver(&uow, ada, mail).await;
    planted
}

fn senders(body: &Value) -> Vec<(String, String, u64)> {
    body["data"]["senders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap().to_owned();
            (text("address"), text("name"), s["count"].as_u64().unwrap())
        })
        .collect()
}

#[actix_web::test]
async fn planted_senders_topics_and_thread_surface_in_every_route() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let p = plant(&db, ada, now).await;
    let stats = stats_service(&db, &clock);
    stats.update().await.unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) FROM mail_account_stats").await,
        1,
        "the consumer stored"
    );
    let account = p.account;

    // Top senders: the past 30 days (the cafeteria's week of menus counts), stored.
    let uri = format!("/api/mail/stats/top_senders?account_id={account}");
    let (s, _, body) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let top = senders(&body);
    // A tie goes to the address first in byte order.
    assert_eq!(top[0], ("grace@navy.example".into(), "Grace Hopper".into(), 7), "{body}");
    assert_eq!(top[1], ("news@canteen.example".into(), "Cafeteria".into(), 7), "{body}");
    assert_eq!(top[2], ("alan@bletchley.example".into(), "Alan Turing".into(), 5), "{body}");
    assert_eq!(body["data"]["since"], iso(now - TimeDelta::days(30)));
    // Since yesterday: the week's menus drop out.
    let uri = format!(
        "/api/mail/stats/top_senders?account_id={account}&since={}",
        iso(now - TimeDelta::days(1))
    );
    let (s, _, body) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let top = senders(&body);
    let counts: Vec<(&str, u64)> = top.iter().map(|(a, _, c)| (a.as_str(), *c)).collect();
    assert_eq!(
        counts,
        [("grace@navy.example", 7), ("alan@bletchley.example", 5), ("news@canteen.example", 1)]
    );

    // Pulse: hourly over a week, the busiest hour at rate 1; daily over 30 days.
    let uri = format!("/api/mail/stats/pulse?account_id={account}");
    let (s, _, body) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let points = body["data"].as_array().unwrap();
    assert_eq!(points.len(), 168);
    let this_hour = now - TimeDelta::minutes(30);
    assert_eq!(points[167]["time"], iso(this_hour));
    let rates: Vec<f64> = points.iter().map(|p| p["rate"].as_f64().unwrap()).collect();
    assert!(rates.contains(&1.0) && rates.iter().all(|r| (0.0..=1.0).contains(r)));
    let uri = format!("/api/mail/stats/pulse?account_id={account}&bucket=day");
    let (s, _, body) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 30);
    // One folder: the thread's four messages in Projects, 30 minutes apart, in two hours.
    let uri = format!("/api/mail/stats/pulse?account_id={account}&folder_id={}", p.projects);
    let (s, _, body) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let busy = body["data"].as_array().unwrap().iter().filter(|p| p["rate"] != 0.0).count();
    assert!((2..=3).contains(&busy), "{body}");

    // The digest of the past day: the migration stands out against the week of menus.
    let digest = json!({"account_id": account.to_string(), "time": iso(now - TimeDelta::days(1))});
    let (s, _, body) = call(&app, post_json("/api/mail/stats/digest", &token, digest)).await;
    assert_eq!(s, 200, "{body}");
    let data = &body["data"];
    assert_eq!(data["messages"], 13, "{body}");
    let topics: Vec<&str> =
        data["hot_topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(topics.iter().any(|t| t.contains("datacenter migration")), "{topics:?}");
    // Alan's three messages: one phrase of theirs names the topic (its facets give way).
    let alan = ["payroll audit", "ledger export"];
    assert!(topics.iter().any(|t| alan.iter().any(|a| t.contains(a))), "{topics:?}");
    assert!(!topics.iter().any(|t| t.contains("cafeteria")), "the menu is usual: {topics:?}");
    assert_eq!(data["top_senders"][0]["address"], "grace@navy.example", "{body}");
    let picked = data["representative"].as_array().unwrap();
    assert!((1..=5).contains(&picked.len()), "{body}");
    assert!(picked.iter().any(|m| m["text"].as_str().unwrap().contains("datacenter migration")));
    for m in picked {
        assert!(!m["text"].as_str().unwrap().contains('>'), "quotes left out: {m}");
        let id = m["message_id"].as_str().unwrap();
        let sql = format!(
            "SELECT count(*) FROM mail_messages m JOIN mail_accounts a ON a.id = m.account_id \
             WHERE m.id = '{id}' AND a.user_id = '{ada}'"
        );
        assert_eq!(count(&db, &sql).await, 1, "a representative message is one of ada's: {m}");
    }

    // The thread's summary: its authors' sentences, none of the quotes or signatures.
    let uri = "/api/mail/threads/t-cutover/summary";
    let (s, _, body) = call(&app, get(uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let data = &body["data"];
    assert_eq!(
        (data["messages"].as_u64(), data["account_id"].as_str()),
        (Some(4), Some(account.to_string().as_str()))
    );
    let summary = data["summary"].as_str().unwrap();
    assert!(summary.contains("cutover"), "{summary}");
    for banned in ["zebra", "wrote:", "From:", "555", "regards", "Forwarded"] {
        assert!(!summary.contains(banned), "{banned} in {summary}");
    }
    let sentences = data["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    let in_account = format!("{uri}?account_id={account}");
    let (s, _, again) = call(&app, get(&in_account, &token)).await;
    assert_eq!((s, &again["data"]), (200, data), "the same, the account named");
    assert!(
        sentences
            .iter()
            .all(|s| ["Grace Hopper", "Alan Turing"].contains(&s["from"].as_str().unwrap()))
    );
    assert_eq!(count(&db, "SELECT count(*) FROM mail_thread_summaries").await, 1, "stored");
}

#[actix_web::test]
async fn stored_results_follow_the_messages_that_changed() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let mut config = config();
    // The stored summary's own path: none kept in memory (see the next test for that).
    config.stats.summary_cache_entries = 0;
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let p = plant(&db, ada, now).await;
    let stats = stats_service(&db, &clock);
    stats.update().await.unwrap();
    let top_uri = format!("/api/mail/stats/top_senders?account_id={}", p.account);
    let (_, _, before) = call(&app, get(&top_uri, &token)).await;

    // Ten messages from a newcomer: served stored until the consumer reads their events.
    let uow = PgUnitOfWork::new(db.pool());
    from_zed(&uow, ada, &p, now, 10).await;
    let (_, _, stale) = call(&app, get(&top_uri, &token)).await;
    assert_eq!(stale["data"], before["data"], "stored until the consumer runs");
    let outcome = stats.update().await.unwrap();
    assert_eq!(outcome.mail_events, 10);
    let (_, _, after) = call(&app, get(&top_uri, &token)).await;
    assert_eq!(senders(&after)[0], ("zed@example.org".into(), "Zed".into(), 10), "{after}");
    // Events that do not move senders (read state) leave the stored answer as it is.
    let unread = NewEvent::changed(
        StoredMessage::EVENT_MODEL,
        MailMessageId::new().to_string(),
        "unread",
        true,
        false,
    )
    .owned_by(Some(ada));
    uow.transact(move |tx| Box::pin(async move { tx.append_events(vec![unread]).await }))
        .await
        .unwrap();
    let stamp = "SELECT extract(epoch FROM computed_at)::bigint FROM mail_account_stats";
    let computed = count(&db, stamp).await;
    clock.advance(std::time::Duration::from_secs(60));
    stats.update().await.unwrap();
    assert_eq!(count(&db, stamp).await, computed, "not recomputed");

    // A thread summary is served stored until a body of the thread changes.
    let uri = "/api/mail/threads/t-cutover/summary";
    let (_, _, first) = call(&app, get(uri, &token)).await;
    let forged = "UPDATE mail_thread_summaries SET sentences = '[]'";
    db.client().await.batch_execute(forged).await.unwrap();
    let (_, _, served) = call(&app, get(uri, &token)).await;
    assert_eq!(served["data"]["summary"], "", "the stored summary is served while unchanged");
    let versions = "SELECT count(*) FROM mail_thread_summaries s JOIN mail_threads t \
                    USING (account_id, thread_key) WHERE s.version = t.version";
    assert_eq!(count(&db, versions).await, 1, "stored at the thread's version");
    let version = "SELECT version FROM mail_threads WHERE thread_key = 't-cutover'";
    let before = count(&db, version).await;
    // Reading a message changes nothing a summary reads: the thread's version holds.
    let read: Vec<StoredMessage> =
        cutover_thread(&p, now).into_iter().map(|m| StoredMessage { unread: false, ..m }).collect();
    uow.transact(move |tx| Box::pin(async move { tx.upsert_mail_messages(&read).await }))
        .await
        .unwrap();
    let (_, _, served) = call(&app, get(uri, &token)).await;
    assert_eq!(served["data"]["summary"], "", "still served after the messages were read");
    let unread = "SELECT unread::bigint FROM mail_threads WHERE thread_key = 't-cutover'";
    assert_eq!(count(&db, unread).await, 0, "the thread was counted again");
    assert_eq!(count(&db, version).await, before, "reading changes no version");
    assert_eq!(count(&db, versions).await, 1);
    postpone_cutover(&uow, &p, now).await;
    let (s, _, again) = call(&app, get(uri, &token)).await;
    assert_eq!(s, 200, "{again}");
    let summary = again["data"]["summary"].as_str().unwrap();
    assert!(summary.contains("postponed to Sunday"), "recomputed: {summary}");
    assert_ne!(again["data"], first["data"]);
}

#[actix_web::test]
async fn a_kept_pulse_follows_new_mail_removed_folders_and_the_hour() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let p = plant(&db, ada, now).await;
    let uri = format!("/api/mail/stats/pulse?account_id={}", p.account);
    let (s, _, first) = call(&app, get(&uri, &token)).await;
    assert_eq!(s, 200, "{first}");
    let busy = |body: &Value| -> Vec<usize> {
        let points = body["data"].as_array().unwrap();
        (0..points.len()).filter(|&i| points[i]["rate"] != 0.0).collect()
    };
    assert!(busy(&first).len() > 5, "{first}");

    // Counts forged behind the triggers' back: the pulse computed before is served again.
    let forge =
        "SET session_replication_role = replica; UPDATE mail_account_hours SET messages = 0";
    let client = db.client().await;
    client.batch_execute(forge).await.unwrap();
    let (_, _, kept) = call(&app, get(&uri, &token)).await;
    assert_eq!(kept["data"], first["data"], "kept while the account's counts are unchanged");

    // New mail this hour moves the account's version: the pulse is read again, from the
    // (forged) counts, where only this hour now holds mail.
    let uow = PgUnitOfWork::new(db.pool());
    from_zed(&uow, ada, &p, now, 3).await;
    let (_, _, fresh) = call(&app, get(&uri, &token)).await;
    assert_eq!(busy(&fresh), [167], "{fresh}");

    // A folder's pulse, kept, then its folder removed: a 404, not the kept pulse.
    let folder_uri = format!("{uri}&folder_id={}", p.projects);
    let (s, _, body) = call(&app, get(&folder_uri, &token)).await;
    assert_eq!(s, 200, "{body}");
    let keep = vec!["INBOX".to_owned()];
    let account = p.account;
    uow.transact(move |tx| Box::pin(async move { tx.retain_mail_folders(account, &keep).await }))
        .await
        .unwrap();
    let (s, _, body) = call(&app, get(&folder_uri, &token)).await;
    assert_eq!(s, 404, "{body}");

    // The next hour: the window moves on without any write.
    clock.advance(std::time::Duration::from_secs(3600));
    let token = login(&app, "ada@example.org").await;
    let (_, _, later) = call(&app, get(&uri, &token)).await;
    let next_hour = now + TimeDelta::minutes(30);
    assert_eq!(later["data"][167]["time"], iso(next_hour), "{later}");
    assert_eq!(busy(&later), [166], "{later}");
}

#[actix_web::test]
async fn a_summary_kept_in_memory_is_served_until_its_thread_changes() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let p = plant(&db, ada, now).await;
    let uri = "/api/mail/threads/t-cutover/summary";
    let (s, _, first) = call(&app, get(uri, &token)).await;
    assert_eq!(s, 200, "{first}");
    assert_ne!(first["data"]["summary"], "", "{first}");

    // The stored row forged: the summary kept at the thread's version is served, not read.
    let forged = "UPDATE mail_thread_summaries SET sentences = '[]'";
    db.client().await.batch_execute(forged).await.unwrap();
    let (_, _, served) = call(&app, get(uri, &token)).await;
    assert_eq!(served["data"], first["data"], "kept in memory while the thread is unchanged");

    // Another user asking for it gets a 404, kept summary or not.
    let (_, eve) = member(&app, "eve@example.org").await;
    let (s, _, body) = call(&app, get(uri, &eve)).await;
    assert_eq!(s, 404, "{body}");

    // A body of the thread changed: the version moved, the summary is computed again.
    postpone_cutover(&PgUnitOfWork::new(db.pool()), &p, now).await;
    let (s, _, again) = call(&app, get(uri, &token)).await;
    assert_eq!(s, 200, "{again}");
    let summary = again["data"]["summary"].as_str().unwrap();
    assert!(summary.contains("postponed to Sunday"), "recomputed: {summary}");
}

#[actix_web::test]
async fn bad_input_is_a_4xx_naming_it_and_another_user_gets_404() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let (_, bob) = member(&app, "bob@example.org").await;
    let p = plant(&db, ada, now).await;
    let account = p.account;
    let future = iso(now + TimeDelta::hours(1));
    let digest = "/api/mail/stats/digest";

    // Another user: every route is a 404, as for an account or thread nobody has.
    let unknown = MailAccountId::new();
    for (who, id) in [(&bob, account), (&token, unknown)] {
        for uri in [
            format!("/api/mail/stats/pulse?account_id={id}"),
            format!("/api/mail/stats/top_senders?account_id={id}"),
            format!(
                "/api/mail/stats/top_senders?account_id={id}&since={}",
                iso(now - TimeDelta::days(1))
            ),
        ] {
            let (s, _, body) = call(&app, get(&uri, who)).await;
            assert_eq!(s, 404, "{uri}: {body}");
            assert_eq!(body["status"], "error", "{body}");
        }
        let body = json!({"account_id": id.to_string(), "time": iso(now - TimeDelta::days(1))});
        let (s, _, err) = call(&app, post_json(digest, who, body)).await;
        assert_eq!(s, 404, "{err}");
    }
    let (s, _, err) = call(&app, get("/api/mail/threads/t-cutover/summary", &bob)).await;
    assert_eq!(s, 404, "{err}");
    let uri = format!("/api/mail/threads/t-cutover/summary?account_id={account}");
    assert_eq!(call(&app, get(&uri, &bob)).await.0, 404);
    assert_eq!(call(&app, get("/api/mail/threads/nope/summary", &token)).await.0, 404);
    // Another account's folder.
    let uri =
        format!("/api/mail/stats/pulse?account_id={account}&folder_id={}", MailFolderId::new());
    assert_eq!(call(&app, get(&uri, &token)).await.0, 404);

    // Bad input: 422 naming the parameter.
    let cases = [
        ("/api/mail/stats/pulse".to_owned(), "account_id"),
        ("/api/mail/stats/pulse?account_id=not-a-uuid".to_owned(), "account_id"),
        (format!("/api/mail/stats/pulse?account_id={account}&folder_id=x"), "folder_id"),
        (format!("/api/mail/stats/pulse?account_id={account}&bucket=week"), "bucket"),
        ("/api/mail/stats/top_senders?account_id=42".to_owned(), "account_id"),
        (format!("/api/mail/stats/top_senders?account_id={account}&since=yesterday"), "since"),
        (format!("/api/mail/stats/top_senders?account_id={account}&since={future}"), "since"),
        ("/api/mail/threads/t-cutover/summary?account_id=x".to_owned(), "account_id"),
    ];
    for (uri, field) in cases {
        let (s, _, err) = call(&app, get(&uri, &token)).await;
        assert_eq!(s, 422, "{uri}: {err}");
        assert_eq!(err["errors"][0]["field"], field, "{uri}: {err}");
        assert_eq!(err["status"], "error");
    }
    let id = account.to_string();
    for (body, field) in [
        (json!({"time": iso(now)}), "account_id"),
        (json!({"account_id": "nope", "time": iso(now)}), "account_id"),
        (json!({"account_id": id}), "time"),
        (json!({"account_id": id, "time": "last week"}), "time"),
        (json!({"account_id": id, "time": future}), "time"),
    ] {
        let (s, _, err) = call(&app, post_json(digest, &token, body.clone())).await;
        assert_eq!(s, 422, "{body}: {err}");
        assert_eq!(err["errors"][0]["field"], field, "{body}: {err}");
    }
    // An unknown query parameter is refused too, and no credentials is a 401.
    let uri = format!("/api/mail/stats/pulse?account_id={account}&folder={account}");
    assert_eq!(call(&app, get(&uri, &token)).await.0, 422);
    let req = TestRequest::get().uri("/api/mail/stats/pulse");
    assert_eq!(call(&app, req).await.0, 401);
}

#[actix_web::test]
async fn every_route_answers_protobuf_when_asked() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let a = plant(&db, ada, now).await.account;
    let body = json!({"account_id": a.to_string(), "time": iso(now - TimeDelta::days(1))});
    for req in [
        get(&format!("/api/mail/stats/pulse?account_id={a}"), &token),
        get(&format!("/api/mail/stats/top_senders?account_id={a}"), &token),
        get("/api/mail/threads/t-cutover/summary", &token),
        post_json("/api/mail/stats/digest", &token, body),
    ] {
        let req = req.insert_header(("Accept", "application/x-protobuf"));
        let res = actix_web::test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 200);
        let kind = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
        assert!(kind.starts_with("application/x-protobuf"), "{kind}");
        assert!(!actix_web::test::read_body(res).await.is_empty());
    }
}

#[actix_web::test]
async fn a_kept_page_of_messages_or_threads_follows_every_change_to_the_mail() {
    let db = TestDb::migrated().await;
    let now = half_past();
    let clock = ManualClock::new(now);
    let config = config();
    let app = instance(&db, &config, &clock).await;
    let (ada, token) = member(&app, "ada@example.org").await;
    let p = plant(&db, ada, now).await;
    let messages = format!("/api/mail/messages?account_id={}&limit=3", p.account);
    let threads = format!("/api/mail/threads?account_id={}&limit=3", p.account);
    let subjects = |page: &Value, items: &str| -> Vec<String> {
        let items = page["data"][items].as_array().unwrap();
        items.iter().map(|m| m["subject"].as_str().unwrap().to_owned()).collect()
    };
    let (s, _, first) = call(&app, get(&messages, &token)).await;
    assert_eq!(s, 200, "{first}");
    let (s, _, first_threads) = call(&app, get(&threads, &token)).await;
    assert_eq!(s, 200, "{first_threads}");
    assert!(!subjects(&first, "messages").contains(&"forged".to_owned()));

    // Messages and threads rewritten behind the triggers' back: the kept pages are served.
    let forge = "SET session_replication_role = replica; \
                 UPDATE mail_messages SET subject = 'forged'; UPDATE mail_threads SET subject = 'forged'";
    db.client().await.batch_execute(forge).await.unwrap();
    let (_, _, kept) = call(&app, get(&messages, &token)).await;
    assert_eq!(kept["data"], first["data"], "kept while the account's mail is unchanged");
    let (_, _, kept_threads) = call(&app, get(&threads, &token)).await;
    assert_eq!(kept_threads["data"], first_threads["data"]);
    // Asked in Protobuf for the first time: encoded from the kept page, not from the rows.
    let protobuf = |uri: String| {
        let req = get(&uri, &token).insert_header(("Accept", "application/x-protobuf"));
        let app = &app;
        async move {
            let res = actix_web::test::call_service(app, req.to_request()).await;
            assert_eq!(res.status(), 200, "{uri}");
            actix_web::test::read_body(res).await
        }
    };
    // Protobuf writes strings as they are.
    let forged = |body: &[u8]| body.windows(6).any(|w| w == b"forged");
    assert!(!forged(&protobuf(messages.clone()).await), "encoded from the kept page");
    assert!(!forged(&protobuf(threads.clone()).await));

    // Another user asking for either gets a 404, kept page or not.
    let (_, eve) = member(&app, "eve@example.org").await;
    for uri in [&messages, &threads] {
        let (s, _, body) = call(&app, get(uri, &eve)).await;
        assert_eq!(s, 404, "{uri}: {body}");
    }

    // The newest message marked read, as a sync writes it: both pages are read again.
    let uow = PgUnitOfWork::new(db.pool());
    let newest: MailMessageId =
        first["data"]["messages"][0]["id"].as_str().unwrap().parse().unwrap();
    let read = uow
        .read(move |tx| Box::pin(async move { tx.mail_message(ada, newest).await }))
        .await
        .unwrap()
        .unwrap();
    assert!(read.unread);
    let read = StoredMessage { unread: false, ..read };
    uow.transact(move |tx| Box::pin(async move { tx.upsert_mail_messages(&[read]).await }))
        .await
        .unwrap();
    let (_, _, again) = call(&app, get(&messages, &token)).await;
    assert_eq!(again["data"]["messages"][0]["unread"], false, "{again}");
    assert_eq!(subjects(&again, "messages"), ["forged"; 3], "read from the store: {again}");
    let (_, _, threads_again) = call(&app, get(&threads, &token)).await;
    assert_ne!(threads_again["data"], first_threads["data"], "read from the store");
    assert!(forged(&protobuf(messages.clone()).await), "not the answer encoded before");
    assert!(forged(&protobuf(threads.clone()).await));

    // The account removed: a 404, not the kept page.
    let account = p.account;
    let removed = uow
        .transact(move |tx| Box::pin(async move { tx.delete_mail_account(ada, account).await }))
        .await
        .unwrap();
    assert!(removed);
    for uri in [&messages, &threads] {
        let (s, _, body) = call(&app, get(uri, &token)).await;
        assert_eq!(s, 404, "{uri}: {body}");
    }
}
