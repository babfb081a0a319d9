//! The demo account of `make run` over PostgreSQL and the sandbox: seeded through the normal
//! connect use case, synced by the binary's job registry, and seeded again without harm.

use actix_web::test::TestRequest;
use chrono::Utc;
use serde_json::json;
use switchboard_app::jobs::JobContext;
use switchboard_domain::chat::ChatProvider;
use switchboard_memory::ManualClock;
use switchboard_postgres::PgJobQueue;
use switchboard_sandbox::{MATTERMOST_TOKEN, Provider, RunningSandbox, SLACK_TOKEN, Sandbox};
use switchboard_services::{ConnectSource, DemoAccount, DemoService};
use switchboard_test_support::TestDb;

use crate::support::{call, config, count, instance, run_jobs};

fn requests(sandbox: &RunningSandbox) -> Vec<ConnectSource> {
    vec![
        ConnectSource {
            provider: ChatProvider::Slack,
            token: SLACK_TOKEN.to_owned(),
            base_url: Some(sandbox.slack_base_url()),
            include_direct: None,
        },
        ConnectSource {
            provider: ChatProvider::Mattermost,
            token: MATTERMOST_TOKEN.to_owned(),
            base_url: Some(sandbox.mattermost_base_url()),
            include_direct: None,
        },
    ]
}

fn live(sandbox: &RunningSandbox) -> i64 {
    let channels = [Provider::Slack, Provider::Mattermost].map(|p| sandbox.channels(p));
    let live: usize =
        channels.iter().flatten().filter(|c| c.member && !c.archived).map(|c| c.live_posts).sum();
    i64::try_from(live).unwrap()
}

#[actix_web::test]
async fn the_demo_account_is_seeded_idempotently_and_its_data_ingested() {
    let db = TestDb::migrated().await;
    let config = config();
    let sandbox = Sandbox::builder().seed(5).now(Utc::now()).posts_per_channel(60).people(10);
    let sandbox = sandbox.build().start_local().unwrap();
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let chat = switchboard_app::ports::chat(&identity, &config.chat).unwrap();
    let stats = switchboard_app::ports::stats(&identity, &config.stats).unwrap();
    let mail = switchboard_app::ports::mail(&identity, &config, "").unwrap();
    let webhooks = switchboard_app::ports::webhook_dispatcher(&identity, &config.webhooks).unwrap();
    let notifications = switchboard_app::ports::notifications(&identity, &config.notifications);
    let demo = DemoService::new(identity, chat.clone());
    let context = JobContext { chat, stats, mail, webhooks, notifications };
    let (queue, listener) = PgJobQueue::new(db.pool(), db.url());
    tokio::spawn(listener.run());
    let mut account = DemoAccount {
        email: "demo@switchboard.example".to_owned(),
        password: "dev-insecure-demo-password".to_owned(),
        display_name: "Demo User".to_owned(),
    };

    let first = demo.seed(&account, requests(&sandbox)).await.unwrap();
    assert!(first.created);
    assert_eq!(first.sources.len(), 2);
    let progress = demo.progress(first.user.id).await.unwrap();
    assert!(progress.iter().all(|(_, done)| !done), "not synced yet");
    assert_eq!(count(&db, "SELECT count(*) FROM sealed_secrets").await, 2, "tokens sealed");
    assert_eq!(run_jobs(&queue, &context).await, 2);
    assert!(demo.progress(first.user.id).await.unwrap().iter().all(|(_, done)| *done));
    let live_sql = "SELECT count(*) FROM chat_posts WHERE NOT deleted";
    assert_eq!(count(&db, live_sql).await, live(&sandbox));

    // The printed credentials work.
    let clock = ManualClock::new(Utc::now());
    let app = instance(&db, &config, &clock).await;
    let login = |password: &str| {
        let body = json!({"email": "demo@switchboard.example", "password": password});
        TestRequest::post().uri("/api/auth/login").set_json(body)
    };
    assert_eq!(call(&app, login(&account.password)).await.0, 200);

    // Seeded again (another `make run`): the same account, fresh sources, no duplicate posts.
    let second = demo.seed(&account, requests(&sandbox)).await.unwrap();
    assert!(!second.created);
    assert_eq!(second.user.id, first.user.id);
    assert!(second.sources.iter().all(|s| first.sources.iter().all(|f| f.id != s.id)));
    assert_eq!(count(&db, "SELECT count(*) FROM chat_sources").await, 2);
    assert_eq!(run_jobs(&queue, &context).await, 2);
    assert_eq!(count(&db, live_sql).await, live(&sandbox));

    // A new password in the configuration replaces the old one.
    account.password = "another long password".to_owned();
    demo.seed(&account, Vec::new()).await.unwrap();
    assert_eq!(call(&app, login("dev-insecure-demo-password")).await.0, 401);
    assert_eq!(call(&app, login(&account.password)).await.0, 200);
}
