//! The mail use cases over PostgreSQL (a database of its own per test), where a read does not
//! wait for another transaction: the first sync, a re-run, changes by delta, and one refresh
//! for many concurrent callers come out as over the in-memory store.

use std::time::Duration;

use futures_util::future::join_all;
use switchboard_crypto::{AeadSecretBox, Argon2Hasher, JwtTokens};
use switchboard_memory::{ManualClock, NoChatSources};
use switchboard_postgres::{PgEventLog, PgJobQueue, PgReadiness, PgUnitOfWork};
use switchboard_sandbox::{NewMail, RunningSandbox};
use switchboard_services::MailService;
use switchboard_test_support::TestDb;

use super::support::{SandboxMail, adapters, link, policy, sandbox, secrets, user};

/// PostgreSQL, the real crypto adapters, and Microsoft over the sandbox.
#[derive(Debug, Clone, Copy)]
struct PgMail;

impl switchboard_ports::Ports for PgMail {
    type Readiness = PgReadiness;
    type Uow = PgUnitOfWork;
    type Events = PgEventLog;
    type Jobs = PgJobQueue;
    type Clock = ManualClock;
    type Hasher = Argon2Hasher;
    type Tokens = JwtTokens;
    type Secrets = AeadSecretBox;
    type ChatSources = NoChatSources;
    type Mail = SandboxMail;
}

struct PgWorld {
    db: TestDb,
    sandbox: RunningSandbox,
    uow: PgUnitOfWork,
    adapters: SandboxMail,
    mail: MailService<PgMail>,
    demo: String,
}

async fn start() -> PgWorld {
    let db = TestDb::migrated().await;
    let sandbox = sandbox();
    let uow = PgUnitOfWork::new(db.pool());
    let adapters = adapters(&sandbox);
    let clock = ManualClock::new(sandbox.now());
    let mail = MailService::new(uow.clone(), clock, secrets(), adapters.clone(), policy(|_| {}));
    let demo = sandbox.mailboxes()[0].address.clone();
    PgWorld { db, sandbox, uow, adapters, mail, demo }
}

impl PgWorld {
    async fn count(&self, sql: &str) -> i64 {
        self.db.client().await.query_one(sql, &[]).await.unwrap().get(0)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn over_postgresql_the_window_is_stored_once_and_changes_come_by_delta() {
    let world = start().await;
    let ada = user(&world.uow, "ada@example.org").await;
    let account = link(&world.mail, &ada, &world.demo).await;
    let since = world.sandbox.now() - chrono::Duration::days(90);
    let live = world.sandbox.mail_messages(&world.demo, None).unwrap();
    let expected = live.iter().filter(|m| m.received_at >= since).count() as i64;

    let first = world.mail.sync(account.id).await.unwrap();
    assert_eq!(first.created as i64, expected);
    assert_eq!(world.count("SELECT count(*) FROM mail_messages").await, expected);
    let events = "SELECT count(*) FROM events WHERE model_name = 'mail_message'";
    assert_eq!(world.count(events).await, expected);
    let again = world.mail.sync(account.id).await.unwrap();
    assert_eq!((again.created, again.changed, again.deleted), (0, 0, 0));
    assert_eq!(world.count(events).await, expected, "a re-run records nothing");

    let inbox = world.sandbox.mail_messages(&world.demo, Some("inbox")).unwrap();
    world.sandbox.add_mail(NewMail { subject: "New".into(), ..NewMail::default() }).unwrap();
    world.sandbox.mark_mail(&world.demo, &inbox[0].id, !inbox[0].is_read).unwrap();
    world.sandbox.delete_mail(&world.demo, &inbox[1].id).unwrap();
    world.sandbox.move_mail(&world.demo, &inbox[2].id, "archive").unwrap();
    let delta = world.mail.sync(account.id).await.unwrap();
    assert_eq!((delta.created, delta.changed, delta.deleted), (1, 2, 1), "{delta:?}");
    assert_eq!(world.count("SELECT count(*) FROM mail_messages").await, expected);
    let moved = format!(
        "SELECT count(*) FROM mail_messages m JOIN mail_message_folders l ON l.message_id = m.id \
         JOIN mail_folders f ON f.id = l.folder_id \
         WHERE m.provider_id = '{}' AND f.provider_id = '{}'",
        inbox[2].id,
        world.sandbox.mail_messages(&world.demo, Some("archive")).unwrap()[0].folder_id,
    );
    assert_eq!(world.count(&moved).await, 1, "the moved message is in its new folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn over_postgresql_sixteen_callers_cause_one_refresh() {
    let world = start().await;
    let ada = user(&world.uow, "ada@example.org").await;
    world.sandbox.set_microsoft_token_lifetime(Duration::from_secs(60));
    let account = link(&world.mail, &ada, &world.demo).await;
    world.sandbox.set_microsoft_token_lifetime(Duration::from_secs(3600));
    let sources = join_all((0..16).map(|_| world.mail.source_for(&account))).await;
    assert!(sources.iter().all(Result::is_ok));
    let refreshes = world.adapters.auth.refreshes.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(refreshes, 1);
}
