//! Channels and posts written straight through the store, as a sync writes them (posts
//! upserted and a `posts` event on the channel, in one transaction), at chosen times.

use actix_web::test::TestRequest;
use chrono::{DateTime, Utc};
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_sources::{Channel, ChannelId};
use switchboard_domain::{NewEvent, UserId};
use switchboard_ports::{ChatStore, StoreError, Transaction, UnitOfWork};
use switchboard_postgres::PgUnitOfWork;
use switchboard_test_support::TestDb;

use crate::support::call;

/// Registers `email` and logs in; its id and access token.
pub async fn member(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    email: &str,
) -> (UserId, String) {
    let body = serde_json::json!({"email": email, "password": "correct horse battery"});
    let req = TestRequest::post().uri("/api/auth/register").set_json(&body);
    assert_eq!(call(app, req).await.0, 201);
    let (s, _, login) = call(app, TestRequest::post().uri("/api/auth/login").set_json(&body)).await;
    assert_eq!(s, 200, "{login}");
    let token = login["data"]["access_token"].as_str().unwrap().to_owned();
    let me = TestRequest::get()
        .uri("/api/me")
        .insert_header(("Authorization", format!("Bearer {token}")));
    let (_, _, me) = call(app, me).await;
    (me["data"]["id"].as_str().unwrap().parse().unwrap(), token)
}

/// Logs `email` (registered by [`member`]) in again: a fresh access token, for after the clock
/// moved past the last one's life.
pub async fn login(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    email: &str,
) -> String {
    let body = serde_json::json!({"email": email, "password": "correct horse battery"});
    let (s, _, login) = call(app, TestRequest::post().uri("/api/auth/login").set_json(&body)).await;
    assert_eq!(s, 200, "{login}");
    login["data"]["access_token"].as_str().unwrap().to_owned()
}

/// A Mattermost source of `owner`'s with one channel per name (followed); their ids.
pub async fn channels(db: &TestDb, owner: UserId, names: &[&str]) -> Vec<ChannelId> {
    let (secret, source) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let mut sql = format!(
        "INSERT INTO sealed_secrets (id, owner_id, purpose, key_id, ciphertext)
              VALUES ('{secret}', '{owner}', 'chat_token', 'k', '');
         INSERT INTO chat_sources (id, owner_id, provider, base_url, token_secret_id,
                                   external_user_id, external_user_name, created_at)
              VALUES ('{source}', '{owner}', 'mattermost', 'http://chat.invalid', '{secret}',
                      'u', 'user', now());"
    );
    let ids: Vec<ChannelId> = names.iter().map(|_| ChannelId::new()).collect();
    for (id, name) in ids.iter().zip(names) {
        sql.push_str(&format!(
            "INSERT INTO chat_channels (id, source_id, owner_id, external_id, name, kind, created_at)
                  VALUES ('{id}', '{source}', '{owner}', '{name}', '{name}', 'public', now());"
        ));
    }
    db.client().await.batch_execute(&sql).await.unwrap();
    ids
}

/// A post by `author` at `at`; its provider id is `id`.
pub fn post(id: &str, author: &str, text: &str, at: DateTime<Utc>) -> ChatPost {
    ChatPost {
        id: id.to_owned(),
        channel_id: String::new(),
        author_id: format!("id-{author}"),
        author_name: Some(author.to_owned()),
        kind: switchboard_domain::chat::PostKind::User,
        text: text.to_owned(),
        posted_at: at,
        edited_at: None,
        deleted: false,
        thread_root: None,
    }
}

/// Writes `posts` to `channel` as a sync page does.
pub async fn ingest(uow: &PgUnitOfWork, owner: UserId, channel: ChannelId, posts: Vec<ChatPost>) {
    uow.transact(move |tx| {
        Box::pin(async move {
            let written = tx.upsert_chat_posts(channel, &posts).await?;
            // As the sync records it (`services::chat::pages`).
            let event = NewEvent::changed(
                Channel::EVENT_MODEL,
                channel.to_string(),
                Channel::POSTS_ATTRIBUTE,
                serde_json::Value::Null,
                written,
            )
            .owned_by(Some(owner));
            tx.append_events(vec![event]).await?;
            Ok::<_, StoreError>(())
        })
    })
    .await
    .unwrap();
}
