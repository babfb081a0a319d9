//! Reading a channel's posts and one post with its thread: shapes, paging, filters, errors,
//! Protobuf, and another user's 404.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::Value;
use switchboard_domain::UserId;
use switchboard_domain::chat::{ChatPost, ChatProvider, PostKind};
use switchboard_domain::chat_sources::{Channel, ChannelId, Source, SourceId, SourceStatus};
use switchboard_memory::{ManualClock, MemoryStore};
use switchboard_ports::{ChatStore, StoreError, UnitOfWork};

use crate::accounts::{app, get, member};
use crate::mail::{call, fields};
use crate::support::{assert_error_envelope, identity};

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().unwrap() + TimeDelta::minutes(minutes)
}

fn post(id: &str, minutes: i64, root: Option<&str>, text: &str) -> ChatPost {
    ChatPost {
        id: id.to_owned(),
        channel_id: "C1".to_owned(),
        author_id: if id.ends_with("-bob") { "U2" } else { "U1" }.to_owned(),
        // Bob is a person the provider no longer knows: no name.
        author_name: (!id.ends_with("-bob")).then(|| "Ada".to_owned()),
        text: text.to_owned(),
        posted_at: at(minutes),
        edited_at: None,
        deleted: false,
        thread_root: root.map(str::to_owned),
        kind: PostKind::User,
    }
}

/// A source and a channel of `owner` holding `posts`.
async fn seed(uow: &MemoryStore, owner: &str, posts: Vec<ChatPost>) -> ChannelId {
    let owner: UserId = owner.parse().unwrap();
    let source = Source {
        id: SourceId::new(),
        owner_id: owner,
        provider: ChatProvider::Slack,
        base_url: "https://slack.com/api".into(),
        token_secret_id: uuid::Uuid::now_v7(),
        external_user_id: "U1".into(),
        external_user_name: "ada".into(),
        team_name: "Lab".into(),
        status: SourceStatus::Active,
        last_sync_at: None,
        last_error: None,
        backfill_done: 1,
        backfill_total: 1,
        created_at: at(0),
        include_direct: false,
        team_id: "T1".into(),
    };
    let channel = Channel {
        id: ChannelId::new(),
        source_id: source.id,
        owner_id: owner,
        external_id: "C1".into(),
        name: "general".into(),
        kind: "public".into(),
        followed: true,
        include_bots: false,
        synced_until: None,
        unreadable_since: None,
        created_at: at(0),
    };
    let id = channel.id;
    uow.transact(move |tx| {
        Box::pin(async move {
            tx.insert_chat_source(&source).await?;
            tx.insert_chat_channels(&[channel]).await?;
            tx.upsert_chat_posts(id, &posts).await?;
            Ok::<_, StoreError>(())
        })
    })
    .await
    .unwrap();
    id
}

fn posts() -> Vec<ChatPost> {
    let mut posts = vec![
        post("root", 0, None, "Release plan for Friday"),
        post("reply-1", 1, Some("root"), "sounds good"),
        post("reply-2-bob", 2, Some("root"), "the release notes are late"),
        post("solo-bob", 3, None, &"long ".repeat(100)),
    ];
    let mut gone = post("gone", 4, None, "deleted release");
    gone.deleted = true;
    posts.push(gone);
    posts
}

fn external_ids(page: &Value) -> Vec<&str> {
    page["data"]["posts"]
        .as_array()
        .unwrap_or_else(|| panic!("no posts: {page}"))
        .iter()
        .map(|p| p["external_id"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_channel_pages_newest_first_flat_or_nested_with_filters() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (ada, token) = member(&app, "ada@example.org").await;
    let channel = seed(&uow, &ada, posts()).await;
    let uri = |query: &str| format!("/api/chat/channels/{channel}/posts?{query}");

    let (s, flat) = call(&app, get(&uri(""), &token)).await;
    assert_eq!(s, 200, "{flat}");
    assert_eq!(external_ids(&flat), ["solo-bob", "reply-2-bob", "reply-1", "root"]);
    assert_eq!(flat["data"]["next_cursor"], "");
    let solo = &flat["data"]["posts"][0];
    assert_eq!(
        (solo["truncated"].as_bool(), solo["text"].as_str().map(str::len)),
        (Some(true), Some(300))
    );
    assert_eq!(solo["posted_at"], "2026-01-01T09:03:00Z");
    // No post is shown without an author: a nameless one by its author id.
    assert_eq!(
        (solo["author_id"].as_str(), solo["author_name"].as_str()),
        (Some("U2"), Some("U2"))
    );
    assert_eq!(flat["data"]["posts"][2]["author_name"], "Ada");
    assert_eq!((solo["edited_at"].as_str(), solo["thread_root"].as_str()), (Some(""), Some("")));
    assert!(solo.get("thread").is_none(), "flat posts carry no thread: {solo}");
    assert_eq!(flat["data"]["posts"][1]["thread_root"], "root");

    // Page by page with the cursor, then the same filters.
    let (_, first) = call(&app, get(&uri("limit=3"), &token)).await;
    assert_eq!(external_ids(&first), ["solo-bob", "reply-2-bob", "reply-1"]);
    let cursor = first["data"]["next_cursor"].as_str().unwrap();
    let (s, second) = call(&app, get(&uri(&format!("limit=3&cursor={cursor}")), &token)).await;
    assert_eq!((s, external_ids(&second)), (200, vec!["root"]), "{second}");

    let (_, nested) = call(&app, get(&uri("threads=nested"), &token)).await;
    assert_eq!(external_ids(&nested), ["solo-bob", "root"]);
    let thread = &nested["data"]["posts"][1]["thread"];
    assert_eq!(
        (thread["replies"].as_u64(), thread["latest_reply_at"].as_str()),
        (Some(2), Some("2026-01-01T09:02:00Z"))
    );
    let latest: Vec<&str> = thread["latest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(latest, ["reply-2-bob", "reply-1"]);
    assert_eq!(thread["latest"][0]["author_name"], "U2");

    for (query, expected) in [
        ("author=U2", vec!["solo-bob", "reply-2-bob"]),
        ("thread_id=root", vec!["reply-2-bob", "reply-1"]),
        ("q=RELEASE", vec!["reply-2-bob", "root"]),
        ("q=release&threads=nested", vec!["root"]),
        ("since=2026-01-01T09:01:00Z&until=2026-01-01T09:03:00Z", vec!["reply-2-bob", "reply-1"]),
        ("since=2026-01-01T09:01:00Z&until=2026-01-01T09:01:00Z", vec![]),
    ] {
        let (s, page) = call(&app, get(&uri(query), &token)).await;
        assert_eq!((s, external_ids(&page)), (200, expected), "{query}: {page}");
    }
}

#[actix_web::test]
async fn a_post_comes_in_full_with_its_thread() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (ada, token) = member(&app, "ada@example.org").await;
    let channel = seed(&uow, &ada, posts()).await;
    let (_, page) = call(&app, get(&format!("/api/chat/channels/{channel}/posts"), &token)).await;
    let id_of = |external: &str| {
        let posts = page["data"]["posts"].as_array().unwrap();
        let p = posts.iter().find(|p| p["external_id"] == external).unwrap();
        p["id"].as_str().unwrap().to_owned()
    };

    let (s, solo) =
        call(&app, get(&format!("/api/chat/posts/{}", id_of("solo-bob")), &token)).await;
    assert_eq!(s, 200, "{solo}");
    assert_eq!(solo["data"]["post"]["text"].as_str().map(str::len), Some(500), "the whole text");
    assert_eq!(solo["data"]["post"]["author_name"], "U2");
    assert_eq!((solo["data"]["reply_count"].as_u64(), solo["data"].get("root")), (Some(0), None));

    let (s, reply) =
        call(&app, get(&format!("/api/chat/posts/{}", id_of("reply-1")), &token)).await;
    assert_eq!(s, 200, "{reply}");
    let data = &reply["data"];
    assert_eq!(data["post"]["id"], id_of("reply-1"));
    assert_eq!(data["post"]["channel_id"], channel.to_string());
    assert_eq!(
        (data["root"]["external_id"].as_str(), data["reply_count"].as_u64()),
        (Some("root"), Some(2))
    );
    let replies: Vec<&str> = data["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["external_id"].as_str().unwrap())
        .collect();
    assert_eq!((replies, data["next_cursor"].as_str()), (vec!["reply-2-bob", "reply-1"], Some("")));
}

#[actix_web::test]
async fn bad_parameters_are_422_naming_them_and_unknown_ids_404() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (ada, token) = member(&app, "ada@example.org").await;
    let channel = seed(&uow, &ada, posts()).await;
    let uri = |query: &str| format!("/api/chat/channels/{channel}/posts?{query}");
    for (query, field) in [
        ("cursor=nope", "cursor"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "since"),
        ("since=yesterday", "since"),
        ("threads=tree", "threads"),
        ("threads=nested&thread_id=root", "threads"),
        ("q=%20%20", "q"),
        (&format!("q={}", "x".repeat(201)), "q"),
    ] {
        let (s, body) = call(&app, get(&uri(query), &token)).await;
        assert_eq!(s, 422, "{query}: {body}");
        assert_error_envelope(&body);
        assert_eq!(fields(&body)[0].0, field, "{query}: {body}");
    }
    let (s, body) = call(&app, get(&uri("sort=asc"), &token)).await;
    assert_eq!(s, 422, "an unknown parameter: {body}");

    for path in [
        "/api/chat/channels/not-a-uuid/posts".to_owned(),
        format!("/api/chat/channels/{}/posts", ChannelId::new()),
        "/api/chat/posts/not-an-id".to_owned(),
        format!(
            "/api/chat/posts/{}",
            switchboard_http::routes::chat::post_ref::post_id(channel, "nope")
        ),
        format!(
            "/api/chat/posts/{}",
            switchboard_http::routes::chat::post_ref::post_id(channel, "gone")
        ),
    ] {
        let (s, body) = call(&app, get(&path, &token)).await;
        assert_eq!(s, 404, "{path}: {body}");
        assert_error_envelope(&body);
    }
    let unauthenticated = actix_web::test::TestRequest::get().uri(&uri(""));
    assert_eq!(call(&app, unauthenticated).await.0, 401);
}

#[actix_web::test]
async fn another_user_gets_404_for_the_channel_and_its_posts() {
    let (app, uow) = app!(identity(ManualClock::default()));
    let (ada, ada_token) = member(&app, "ada@example.org").await;
    let channel = seed(&uow, &ada, posts()).await;
    let (eve, eve_token) = member(&app, "eve@example.org").await;
    // Eve has a channel of her own, with a post of the same provider id.
    let hers = seed(&uow, &eve, vec![post("root", 0, None, "hers")]).await;
    let adas_post = switchboard_http::routes::chat::post_ref::post_id(channel, "root");
    let unknown_channel = ChannelId::new();
    let unknown_post = switchboard_http::routes::chat::post_ref::post_id(unknown_channel, "root");
    for (theirs, unknown) in [
        (
            format!("/api/chat/channels/{channel}/posts"),
            format!("/api/chat/channels/{unknown_channel}/posts"),
        ),
        (
            format!("/api/chat/channels/{channel}/posts?threads=nested&q=release"),
            format!("/api/chat/channels/{unknown_channel}/posts?threads=nested&q=release"),
        ),
        (format!("/api/chat/posts/{adas_post}"), format!("/api/chat/posts/{unknown_post}")),
    ] {
        let (s, body) = call(&app, get(&theirs, &eve_token)).await;
        let (s2, body2) = call(&app, get(&unknown, &eve_token)).await;
        assert_eq!((s, s2), (404, 404), "{theirs}: {body}");
        assert_eq!(body["message"], body2["message"], "as for an id that does not exist");
    }
    let (s, own) = call(&app, get(&format!("/api/chat/channels/{hers}/posts"), &eve_token)).await;
    assert_eq!((s, external_ids(&own)), (200, vec!["root"]));
    assert_eq!(own["data"]["posts"][0]["text"], "hers");
    let (s, _) = call(&app, get(&format!("/api/chat/posts/{adas_post}"), &ada_token)).await;
    assert_eq!(s, 200, "the owner still reads it");
}

#[actix_web::test]
async fn pages_and_threads_decode_with_the_shipped_proto() {
    use prost_reflect::{DynamicMessage, Value as Field};

    let pool = crate::contract::shipped_contract();
    let (app, uow) = app!(identity(ManualClock::default()));
    let (ada, token) = member(&app, "ada@example.org").await;
    let channel = seed(&uow, &ada, posts()).await;
    let reply = switchboard_http::routes::chat::post_ref::post_id(channel, "reply-1");
    for (uri, message) in [
        (
            format!("/api/chat/channels/{channel}/posts?threads=nested"),
            "switchboard.v1.ChatPostPage",
        ),
        (format!("/api/chat/posts/{reply}"), "switchboard.v1.ChatPostThread"),
    ] {
        let req = get(&uri, &token).insert_header(("Accept", "application/x-protobuf"));
        let res = actix_web::test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 200, "{uri}");
        let bytes = actix_web::test::read_body(res).await;
        let envelope = pool.get_message_by_name("switchboard.common.v1.Envelope").unwrap();
        let envelope = DynamicMessage::decode(envelope, bytes).unwrap();
        let any = envelope.get_field_by_name("data").unwrap();
        let any = any.as_message().unwrap();
        let type_url = any.get_field_by_name("type_url").unwrap();
        assert_eq!(type_url.as_str(), Some(format!("type.googleapis.com/{message}").as_str()));
        let value = any.get_field_by_name("value").unwrap();
        let Field::Bytes(value) = value.as_ref() else { panic!("Any.value is bytes") };
        let decoded =
            DynamicMessage::decode(pool.get_message_by_name(message).unwrap(), value.clone())
                .unwrap();
        let list = if message.ends_with("Page") { "posts" } else { "replies" };
        let items = decoded.get_field_by_name(list).unwrap();
        assert_eq!(items.as_list().map(<[_]>::len), Some(2), "{uri}");
    }
}
