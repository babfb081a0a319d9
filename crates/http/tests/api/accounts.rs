//! Helpers for the identity tests: the app over a fresh store, requests from a client address
//! with a bearer token, signing up, and changing a role behind the API's back.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use serde_json::{Value, json};
use switchboard_domain::identity::{EmailAddress, Role};
use switchboard_memory::MemoryStore;
use switchboard_ports::{UnitOfWork, UserStore};

use crate::support::json_call;

/// The app over `identity`, and the store behind it: `app!(identity)`.
macro_rules! app {
    ($identity:expr) => {{
        let id = $identity;
        let uow = id.uow.clone();
        let deps = $crate::support::deps_with(switchboard_memory::StaticReadiness::ready(), id);
        (actix_web::test::init_service(switchboard_http::build_app(deps)).await, uow)
    }};
}
pub(crate) use app;

/// A POST with a JSON body from 10.0.0.1.
pub fn post(uri: &str, body: Value) -> TestRequest {
    TestRequest::post().uri(uri).set_json(body).peer_addr("10.0.0.1:1000".parse().unwrap())
}

/// A PATCH with a JSON body.
pub fn patch(uri: &str, body: Value) -> TestRequest {
    TestRequest::patch().uri(uri).set_json(body)
}

/// `req` with `Authorization: Bearer token`.
pub fn bearer(req: TestRequest, token: &str) -> TestRequest {
    req.insert_header(("Authorization", format!("Bearer {token}")))
}

/// `GET uri` as `token`.
pub fn get(uri: &str, token: &str) -> TestRequest {
    bearer(TestRequest::get().uri(uri), token)
}

/// `DELETE uri` as `token`.
pub fn delete(uri: &str, token: &str) -> TestRequest {
    bearer(TestRequest::delete().uri(uri), token)
}

/// Logs in; the status and the envelope.
pub async fn login(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    email: &str,
    password: &str,
) -> (u16, Value) {
    let (s, _, b) =
        json_call(app, post("/api/auth/login", json!({"email": email, "password": password})))
            .await;
    (s, b)
}

/// Registers `email` with the password `correct horse` and logs in: the token pair.
pub async fn signup(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    email: &str,
) -> Value {
    let (s, _, b) = json_call(
        app,
        post("/api/auth/register", json!({"email": email, "password": "correct horse"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = login(app, email, "correct horse").await;
    assert_eq!(s, 200, "{b}");
    b["data"].clone()
}

/// A signed-up user: their id and access token.
pub async fn member(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    email: &str,
) -> (String, String) {
    let tokens = signup(app, email).await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let (s, _, me) = json_call(app, get("/api/me", &access)).await;
    assert_eq!(s, 200, "{me}");
    (me["data"]["id"].as_str().unwrap().to_owned(), access)
}

/// Gives `email` the role `role` directly in the store (how the first superadmin comes to be,
/// short of the CLI).
pub async fn set_role(uow: &MemoryStore, email: &str, role: Role) {
    let email = EmailAddress::parse(email).unwrap();
    uow.transact(move |tx| {
        Box::pin(async move {
            let mut user = tx.user_by_email(&email).await?.unwrap();
            user.role = role;
            tx.update_user(&user).await
        })
    })
    .await
    .unwrap();
}
