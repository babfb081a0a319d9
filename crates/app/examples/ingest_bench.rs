//! Chat ingest figures: a full backfill of the sandbox's default workspaces (57,200 posts) into
//! a fresh PostgreSQL database through the real adapters, the service and the store, then an
//! incremental sync with nothing new. Needs `SWITCHBOARD_TEST_DATABASE_URL` (or the project
//! cluster); run it with `--release` for figures worth quoting.

#![expect(clippy::unwrap_used, reason = "a benchmark program")]

use std::time::Instant;

use chrono::Utc;
use switchboard_app::config::{Config, Profile};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::identity::{Role, Scopes, SessionId};
use switchboard_sandbox::{MATTERMOST_TOKEN, Provider, SLACK_TOKEN, Sandbox};
use switchboard_services::{ConnectSource, Principal, PrincipalKind, SyncOutcome};
use switchboard_test_support::TestDb;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let sandbox = Sandbox::builder().now(Utc::now()).build().start_local().unwrap();
    let db = TestDb::migrated().await;
    let mut config = Config::load(Profile::Test, None).unwrap();
    config.chat.backfill_days = 31;
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let chat = switchboard_app::ports::chat(&identity, &config.chat).unwrap();
    let user = UserId::new();
    db.client()
        .await
        .batch_execute(&format!(
            "INSERT INTO users (id, email, password_hash) VALUES ('{user}', 'b@example.org', 'x')"
        ))
        .await
        .unwrap();
    let caller = Principal {
        user_id: user,
        role: Role::Member,
        scopes: Scopes::all(),
        kind: PrincipalKind::Session(SessionId::new()),
        user: switchboard_domain::identity::User {
            id: user,
            email: switchboard_domain::identity::EmailAddress::parse("b@example.org").unwrap(),
            display_name: "Member".to_owned(),
            role: Role::Member,
            disabled: false,
            password_hash: String::new(),
            created_at: chrono::Utc::now(),
        },
    };
    for (provider, kind, token, url) in [
        (Provider::Slack, ChatProvider::Slack, SLACK_TOKEN, sandbox.slack_base_url()),
        (
            Provider::Mattermost,
            ChatProvider::Mattermost,
            MATTERMOST_TOKEN,
            sandbox.mattermost_base_url(),
        ),
    ] {
        let request =
            ConnectSource { provider: kind, token: token.to_owned(), base_url: Some(url) };
        let source = chat.connect(&caller, request).await.unwrap().source;
        let started = Instant::now();
        let outcome = chat.sync(source.id).await.unwrap();
        let backfill = started.elapsed();
        let SyncOutcome::Synced { written } = outcome else { panic!("{outcome:?}") };
        let started = Instant::now();
        chat.sync(source.id).await.unwrap();
        let again = started.elapsed();
        let readable: usize = sandbox
            .channels(provider)
            .iter()
            .filter(|c| c.member && !c.archived)
            .map(|c| c.live_posts)
            .sum();
        println!(
            "{kind}: backfill of {written} rows ({readable} live posts) in {:.2} s = {:.0} posts/s \
             (sandbox HTTP included); incremental sync with no change {:.0} ms",
            backfill.as_secs_f64(),
            written as f64 / backfill.as_secs_f64(),
            again.as_secs_f64() * 1000.0,
        );
    }
}
