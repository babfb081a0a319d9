//! The stats routes over the in-memory adapters: Protobuf answers decode with the shipped
//! `.proto`, JSON lists are bare arrays, and errors name what is wrong. (Windows, ownership and
//! the consumer are tested over PostgreSQL in the app crate.)

use actix_web::test::{self, TestRequest};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use prost_reflect::{DynamicMessage, Value as Proto};
use serde_json::{Value, json};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatPost;
use switchboard_domain::chat_sources::{Channel, ChannelId, SourceId};
use switchboard_memory::{ManualClock, MemoryStore};

use crate::accounts::{app, bearer, get, member, post};
use crate::support::{identity, json_call};

/// A recent instant at a quarter to the hour, so that posts 30 minutes before it fall in
/// one hourly bucket whatever the wall clock says.
fn quarter_to() -> DateTime<Utc> {
    let hour = Utc::now().duration_trunc(TimeDelta::hours(1)).unwrap();
    hour - TimeDelta::minutes(15)
}

/// A followed channel of `owner` with three posts of the past hour before `now`.
async fn channel(store: &MemoryStore, owner: &str, now: DateTime<Utc>) -> ChannelId {
    let owner: UserId = owner.parse().unwrap();
    let id = ChannelId::new();
    store
        .update(|state| {
            state.chat.channels.insert(
                id,
                Channel {
                    id,
                    source_id: SourceId::new(),
                    owner_id: owner,
                    external_id: "C1".into(),
                    name: "general".into(),
                    kind: "public".into(),
                    followed: true,
                    include_bots: false,
                    synced_until: None,
                    unreadable_since: None,
                    created_at: now,
                },
            );
            let posts = state.chat.posts.entry(id).or_default();
            for (i, (author, text)) in [
                ("ada", "The database migration starts at noon."),
                ("bob", "Is the database migration reversible?"),
                ("ada", "The database migration has a rollback script."),
            ]
            .into_iter()
            .enumerate()
            {
                let post = ChatPost {
                    id: format!("p{i}"),
                    channel_id: "C1".into(),
                    author_id: author.into(),
                    author_name: Some(author.into()),
                    kind: switchboard_domain::chat::PostKind::User,
                    text: text.into(),
                    posted_at: now - TimeDelta::minutes(30 - i64::try_from(i).unwrap()),
                    edited_at: None,
                    deleted: false,
                    thread_root: None,
                };
                posts.insert(post.id.clone(), post);
            }
        })
        .await;
    id
}

/// The message inside a Protobuf envelope, decoded with the shipped contract.
async fn decode(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    req: TestRequest,
    message: &str,
) -> DynamicMessage {
    let pool = crate::contract::shipped_contract();
    let req = req.insert_header(("Accept", "application/x-protobuf"));
    let res = test::call_service(app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    let bytes = test::read_body(res).await;
    let envelope = pool.get_message_by_name("switchboard.common.v1.Envelope").unwrap();
    let envelope = DynamicMessage::decode(envelope, bytes).unwrap();
    let any = envelope.get_field_by_name("data").unwrap();
    let any = any.as_message().unwrap();
    let type_url = any.get_field_by_name("type_url").unwrap();
    assert_eq!(type_url.as_str(), Some(format!("type.googleapis.com/{message}").as_str()));
    let value = any.get_field_by_name("value").unwrap();
    let Proto::Bytes(value) = value.as_ref() else { panic!("Any.value is bytes") };
    DynamicMessage::decode(pool.get_message_by_name(message).unwrap(), value.clone()).unwrap()
}

fn strings(message: &DynamicMessage, field: &str) -> Vec<String> {
    let list = message.get_field_by_name(field).unwrap();
    list.as_list().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn protobuf_answers_decode_with_the_shipped_proto_and_json_lists_are_bare() {
    let now = quarter_to();
    let (app, store) = app!(identity(ManualClock::new(now)));
    let (ada, token) = member(&app, "ada@example.org").await;
    let id = channel(&store, &ada, now).await;

    let hot = decode(
        &app,
        get(&format!("/api/stats/hot_topics/{id}"), &token),
        "switchboard.v1.HotTopics",
    )
    .await;
    let (_, _, json) = json_call(&app, get(&format!("/api/stats/hot_topics/{id}"), &token)).await;
    assert_eq!(json["data"][0], "database migration", "{json}");
    assert_eq!(json!(strings(&hot, "phrases")), json["data"]);

    let active = get(&format!("/api/stats/most_active/{id}"), &token);
    let active = decode(&app, active, "switchboard.v1.MostActive").await;
    assert_eq!(strings(&active, "names"), ["ada", "bob"]);

    let pulse =
        decode(&app, get(&format!("/api/stats/pulse/{id}"), &token), "switchboard.v1.Pulse").await;
    let points = pulse.get_field_by_name("points").unwrap();
    let points = points.as_list().unwrap();
    assert_eq!(points.len(), 168);
    let last = points[167].as_message().unwrap();
    assert_eq!(last.get_field_by_name("rate").unwrap().as_f64(), Some(1.0));

    let uri = format!("/api/stats/representative_messages/{id}");
    let picked = decode(&app, get(&uri, &token), "switchboard.v1.RepresentativeMessages").await;
    let messages = picked.get_field_by_name("messages").unwrap();
    let first = messages.as_list().unwrap()[0].as_message().unwrap().clone();
    assert!(first.get_field_by_name("message").unwrap().as_str().unwrap().contains("migration"));
    let (_, _, json) = json_call(&app, get(&uri, &token)).await;
    assert!(json["data"].is_array(), "{json}");

    let summary = TestRequest::post()
        .uri(&format!("/api/stats/summary/{id}"))
        .set_json(json!({"time": "2000-01-01"}));
    let summary = decode(&app, bearer(summary, &token), "switchboard.v1.ChannelSummary").await;
    assert!(summary.get_field_by_name("summary").unwrap().as_str().unwrap().contains("migration"));

    let login =
        post("/api/auth", json!({"username": "ada@example.org", "password": "correct horse"}));
    let login = decode(&app, login, "switchboard.v1.CompatLogin").await;
    assert!(!login.get_field_by_name("token").unwrap().as_str().unwrap().is_empty());
    let channels = login.get_field_by_name("channels").unwrap();
    let channel = channels.as_list().unwrap()[0].as_message().unwrap().clone();
    assert_eq!(channel.get_field_by_name("name").unwrap().as_str(), Some("general"));
    assert_eq!(login.get_field_by_name("pulse").unwrap().as_list().unwrap().len(), 168);
}

#[actix_web::test]
async fn json_fields_match_the_proto_and_errors_name_what_is_wrong() {
    let pool = crate::contract::shipped_contract();
    let now = quarter_to();
    let (app, store) = app!(identity(ManualClock::new(now)));
    let (ada, token) = member(&app, "ada@example.org").await;
    let id = channel(&store, &ada, now).await;
    let field_names = |message: &str| -> Vec<String> {
        let mut names: Vec<String> = pool
            .get_message_by_name(message)
            .unwrap()
            .fields()
            .map(|f| f.name().to_owned())
            .collect();
        names.sort();
        names
    };
    let keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let (_, _, pulse) = json_call(&app, get("/api/stats/pulse", &token)).await;
    assert_eq!(keys(&pulse["data"][0]), field_names("switchboard.v1.PulsePoint"));
    let (_, _, picked) =
        json_call(&app, get(&format!("/api/stats/representative_messages/{id}"), &token)).await;
    assert_eq!(keys(&picked["data"][0]), field_names("switchboard.v1.RepresentativeMessage"));
    let (_, _, summary) = json_call(&app, get(&format!("/api/stats/summary/{id}"), &token)).await;
    assert_eq!(keys(&summary["data"]), field_names("switchboard.v1.ChannelSummary"));
    let login =
        post("/api/auth", json!({"username": "ada@example.org", "password": "correct horse"}));
    let (s, _, login) = json_call(&app, login).await;
    assert_eq!(s, 200, "{login}");
    assert_eq!(keys(&login["data"]), field_names("switchboard.v1.CompatLogin"));

    // 422 naming `time`, in either encoding of the body; 401 without a caller.
    let uri = format!("/api/stats/summary/{id}");
    let (s, _, err) = json_call(&app, bearer(post(&uri, json!({"time": 12})), &token)).await;
    assert_eq!((s, &err["errors"][0]["field"]), (422, &json!("time")), "{err}");
    let (s, _, err) = json_call(&app, bearer(post(&uri, json!({"time": "soon"})), &token)).await;
    assert_eq!((s, &err["errors"][0]["field"]), (422, &json!("time")), "{err}");
    let (s, _, _) =
        json_call(&app, TestRequest::get().uri(&format!("/api/stats/hot_topics/{id}"))).await;
    assert_eq!(s, 401);
    let wrong = post("/api/auth", json!({"username": "ada@example.org", "password": "wrong"}));
    assert_eq!(json_call(&app, wrong).await.0, 401);
}
