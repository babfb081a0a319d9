//! Chat sources end to end over PostgreSQL: the routes, the sync job claimed from the real
//! queue and run with the binary's job context, against the sandbox's fake Mattermost.

use actix_web::test::TestRequest;
use chrono::Utc;
use serde_json::{Value, json};
use switchboard_app::jobs::JobContext;
use switchboard_memory::ManualClock;
use switchboard_postgres::PgJobQueue;
use switchboard_sandbox::{
    MATTERMOST_TOKEN, NewPost, Provider, RunningSandbox, SLACK_TOKEN, Sandbox,
};
use switchboard_test_support::TestDb;

use crate::support::{call, config, count, instance, run_jobs};

fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .seed(8)
        .now(Utc::now())
        .posts_per_channel(250)
        .people(15)
        .build()
        .start_local()
        .expect("the sandbox starts")
}

fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

async fn sign_up(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    email: &str,
) -> String {
    let body = json!({"email": email, "password": "correct horse battery"});
    let req = TestRequest::post().uri("/api/auth/register").set_json(&body);
    assert_eq!(call(app, req).await.0, 201);
    let (s, _, login) = call(app, TestRequest::post().uri("/api/auth/login").set_json(&body)).await;
    assert_eq!(s, 200, "{login}");
    login["data"]["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn sources_channels_and_ingest_over_postgres() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.chat.backfill_days = 31;
    let sandbox = sandbox();
    let clock = ManualClock::new(Utc::now());
    let app = instance(&db, &config, &clock).await;
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let context = JobContext::new(&identity, &config).unwrap();
    let (queue, listener) = PgJobQueue::new(db.pool(), db.url());
    tokio::spawn(listener.run());
    let ada = sign_up(&app, "ada@example.org").await;

    let connect = |token: &str| {
        bearer(TestRequest::post().uri("/api/chat/sources"), &ada).set_json(json!({
            "kind": "mattermost", "token": token, "base_url": sandbox.mattermost_base_url()
        }))
    };
    let (s, _, refused) = call(&app, connect("not-a-token")).await;
    assert_eq!(s, 422, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "token");
    assert_eq!(count(&db, "SELECT count(*) FROM sealed_secrets").await, 0);
    let (s, _, created) = call(&app, connect(MATTERMOST_TOKEN)).await;
    assert_eq!(s, 201, "{created}");
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["data"]["status"], "active");
    assert_eq!(created["data"]["kind"], "mattermost");

    assert_eq!(run_jobs(&queue, &context).await, 1);
    let live: usize = sandbox
        .channels(Provider::Mattermost)
        .iter()
        .filter(|c| c.member && !c.archived)
        .map(|c| c.live_posts)
        .sum();
    let live_sql = "SELECT count(*) FROM chat_posts WHERE NOT deleted";
    assert_eq!(count(&db, live_sql).await, i64::try_from(live).unwrap());
    assert_eq!(count(&db, "SELECT count(*) FROM chat_posts WHERE author_name IS NULL").await, 0);
    let (s, _, got) =
        call(&app, bearer(TestRequest::get().uri(&format!("/api/chat/sources/{id}")), &ada)).await;
    assert_eq!(s, 200, "{got}");
    assert_eq!(got["data"]["status"], "active");
    assert_ne!(got["data"]["last_sync_at"], "");
    assert_eq!(got["data"]["backfill_done"], got["data"]["backfill_total"]);

    // A sync on demand: one waits at a time; running it again duplicates nothing.
    let sync = || bearer(TestRequest::post().uri(&format!("/api/chat/sources/{id}/sync")), &ada);
    let (s, _, first) = call(&app, sync()).await;
    assert_eq!((s, &first["data"]["enqueued"]), (202, &json!(true)), "{first}");
    let (_, _, second) = call(&app, sync()).await;
    assert_eq!(second["data"]["enqueued"], json!(false));
    // Live posts only: the change list may also report posts deleted after the newest post
    // the backfill saw (the sandbox deletes some up to an hour after their last change), which
    // are kept as deleted rows; whether any fall there depends on the clock.
    let total = count(&db, live_sql).await;
    assert_eq!(run_jobs(&queue, &context).await, 1);
    assert_eq!(count(&db, live_sql).await, total);

    let (s, _, channels) =
        call(&app, bearer(TestRequest::get().uri("/api/chat/channels"), &ada)).await;
    assert_eq!(s, 200);
    let channels: Vec<Value> = channels["data"]["channels"].as_array().unwrap().clone();
    assert!(!channels.is_empty() && channels.iter().all(|c| c["followed"] == json!(true)));
    assert!(channels.iter().all(|c| c["unreadable_since"] == json!("")), "all readable");
    let channel = channels[0]["id"].as_str().unwrap().to_owned();
    let patch = |token: &str| {
        bearer(TestRequest::patch().uri(&format!("/api/chat/channels/{channel}")), token)
            .set_json(json!({"followed": false}))
    };
    let (s, _, patched) = call(&app, patch(&ada)).await;
    assert_eq!((s, &patched["data"]["followed"]), (200, &json!(false)), "{patched}");
    // Bots counted in the channel's statistics; `followed`, left out, stays as it is.
    let bots = |token: &str| {
        bearer(TestRequest::patch().uri(&format!("/api/chat/channels/{channel}")), token)
            .set_json(json!({"include_bots": true}))
    };
    let (s, _, patched) = call(&app, bots(&ada)).await;
    assert_eq!(s, 200, "{patched}");
    assert_eq!(
        (&patched["data"]["include_bots"], &patched["data"]["followed"]),
        (&json!(true), &json!(false))
    );
    // Direct messages, by the source's owner only.
    let direct = |token: &str| {
        bearer(TestRequest::patch().uri(&format!("/api/chat/sources/{id}")), token)
            .set_json(json!({"include_direct": true}))
    };
    let (s, _, patched) = call(&app, direct(&ada)).await;
    assert_eq!((s, &patched["data"]["include_direct"]), (200, &json!(true)), "{patched}");

    // Another user sees none of it, whatever the route.
    let eve = sign_up(&app, "eve@example.org").await;
    for req in [
        TestRequest::get().uri(&format!("/api/chat/sources/{id}")),
        TestRequest::delete().uri(&format!("/api/chat/sources/{id}")),
        TestRequest::post().uri(&format!("/api/chat/sources/{id}/sync")),
        TestRequest::get().uri("/api/chat/sources/not-a-uuid"),
    ] {
        let (s, _, body) = call(&app, bearer(req, &eve)).await;
        assert_eq!(s, 404, "{body}");
    }
    assert_eq!(call(&app, patch(&eve)).await.0, 404);
    assert_eq!(call(&app, bots(&eve)).await.0, 404);
    assert_eq!(call(&app, direct(&eve)).await.0, 404);
    let (_, _, mine) = call(&app, bearer(TestRequest::get().uri("/api/chat/sources"), &eve)).await;
    assert_eq!(mine["data"]["sources"], json!([]));
    let (_, _, mine) = call(&app, bearer(TestRequest::get().uri("/api/chat/channels"), &eve)).await;
    assert_eq!(mine["data"]["channels"], json!([]));

    let delete = bearer(TestRequest::delete().uri(&format!("/api/chat/sources/{id}")), &ada);
    assert_eq!(call(&app, delete).await.0, 200);
    assert_eq!(count(&db, "SELECT count(*) FROM chat_posts").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM chat_channels").await, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM sealed_secrets").await, 0);
    let deleted =
        "SELECT count(*) FROM events WHERE model_name = 'chat_source' AND kind = 'deleted'";
    assert_eq!(count(&db, deleted).await, 1);
}

async fn text_of(db: &TestDb, id: &str) -> (String, bool) {
    let row = db
        .client()
        .await
        .query_one("SELECT text, deleted FROM chat_posts WHERE external_id = $1", &[&id])
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[actix_web::test]
async fn slack_edits_deletions_and_a_revoked_token_over_postgres() {
    let db = TestDb::migrated().await;
    let mut config = config();
    config.chat.backfill_days = 31;
    let sandbox = sandbox();
    let clock = ManualClock::new(Utc::now());
    let app = instance(&db, &config, &clock).await;
    let identity = switchboard_app::ports::identity(db.pool(), &config.auth).unwrap();
    let context = JobContext::new(&identity, &config).unwrap();
    let (queue, listener) = PgJobQueue::new(db.pool(), db.url());
    tokio::spawn(listener.run());
    let ada = sign_up(&app, "ada@example.org").await;
    let channel_id =
        sandbox.channels(Provider::Slack).into_iter().find(|c| c.member && !c.archived).unwrap().id;
    let first_posts: Vec<String> = ["to edit", "to delete"]
        .into_iter()
        .map(|text| {
            let post = NewPost { channel_id: &channel_id, text, user_id: None, root_id: None };
            sandbox.post(Provider::Slack, post).unwrap().id
        })
        .collect();
    let body = json!({"kind": "slack", "token": SLACK_TOKEN, "base_url": sandbox.slack_base_url()});
    let req = bearer(TestRequest::post().uri("/api/chat/sources"), &ada).set_json(body);
    let (s, _, created) = call(&app, req).await;
    assert_eq!(s, 201, "{created}");
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(run_jobs(&queue, &context).await, 1);
    let live: usize = sandbox
        .channels(Provider::Slack)
        .iter()
        .filter(|c| c.member && !c.archived)
        .map(|c| c.live_posts)
        .sum();
    let live_sql = "SELECT count(*) FROM chat_posts WHERE NOT deleted";
    assert_eq!(count(&db, live_sql).await, i64::try_from(live).unwrap());

    // Posts of the first sync, then edited, deleted, and a new one: all seen at the next sync.
    let channel = channel_id.clone();
    let (edited, deleted) = (first_posts[0].clone(), first_posts[1].clone());
    let deleted_channel = channel.clone();
    sandbox.edit_post(Provider::Slack, &channel, &edited, "edited over slack").unwrap();
    sandbox.delete_post(Provider::Slack, &deleted_channel, &deleted).unwrap();
    let new = sandbox
        .post(
            Provider::Slack,
            NewPost { channel_id: &channel, text: "fresh", user_id: None, root_id: None },
        )
        .unwrap()
        .id;
    let sync = bearer(TestRequest::post().uri(&format!("/api/chat/sources/{id}/sync")), &ada);
    assert_eq!(call(&app, sync).await.0, 202);
    assert_eq!(run_jobs(&queue, &context).await, 1);
    assert_eq!(text_of(&db, &edited).await, ("edited over slack".to_owned(), false));
    assert!(text_of(&db, &deleted).await.1, "the deletion is reflected");
    assert_eq!(text_of(&db, &new).await, ("fresh".to_owned(), false));
    assert_eq!(count(&db, live_sql).await, i64::try_from(live).unwrap());

    // A revoked token: the job succeeds, the source waits for a new token.
    sandbox.revoke_token(SLACK_TOKEN);
    let sync = bearer(TestRequest::post().uri(&format!("/api/chat/sources/{id}/sync")), &ada);
    assert_eq!(call(&app, sync).await.0, 202);
    assert_eq!(run_jobs(&queue, &context).await, 1);
    let get = bearer(TestRequest::get().uri(&format!("/api/chat/sources/{id}")), &ada);
    let (_, _, got) = call(&app, get).await;
    assert_eq!(got["data"]["status"], "reauth_required", "{got}");
    assert_ne!(got["data"]["last_error"], "");
    let jobs = "SELECT count(*) FROM jobs";
    assert_eq!(count(&db, jobs).await, 0, "no retry is left waiting");

    // The same account with a new token: the source comes back, with its posts.
    sandbox.add_token(Provider::Slack, "xoxp-fresh-token");
    let body =
        json!({"kind": "slack", "token": "xoxp-fresh-token", "base_url": sandbox.slack_base_url()});
    let req = bearer(TestRequest::post().uri("/api/chat/sources"), &ada).set_json(body);
    let (s, _, again) = call(&app, req).await;
    assert_eq!(
        (s, &again["data"]["id"], &again["data"]["status"]),
        (200, &json!(id), &json!("active")),
        "{again}"
    );
    assert_eq!(run_jobs(&queue, &context).await, 1);
    assert_eq!(count(&db, live_sql).await, i64::try_from(live).unwrap());
    assert_eq!(count(&db, "SELECT count(*) FROM sealed_secrets").await, 1);
}
