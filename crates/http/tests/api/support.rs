//! Builds the application for tests, with a few routes that exist only here: one that takes a
//! body, one that panics.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use switchboard_crypto::{
    AeadSecretBox, Argon2Hasher, Argon2Settings, HashPriority, JwtSettings, JwtTokens,
    SecretBoxKey, SigningKeySetting,
};
use switchboard_domain::ServiceInfo;
use switchboard_http::{AppDeps, HttpSettings, KeptReplies, Payload, Reply, build_app, routes};
use switchboard_memory::{
    FixedMx, ManualClock, MemoryPorts, MemoryStore, NoChatSources, StaticReadiness,
};
use switchboard_services::{
    AccountService, AdminService, ApiKeyService, AuthService, ChatPolicy, ChatService,
    EventLogService, HealthService, Identity, IdentityPolicy, JobAdminService, MailPolicy,
    MailService, NotificationPolicy, NotificationService, StatsPolicy, StatsService, StreamHub,
    StreamPolicy, StreamService, WebhookPolicy, WebhookService,
};

use crate::fake_mail::FakeMail;

/// The in-memory store with the real crypto adapters, and a fake of Microsoft's OAuth client.
pub type TestPorts = MemoryPorts<Argon2Hasher, JwtTokens, AeadSecretBox, NoChatSources, FakeMail>;

/// The one client redirect URI the test server allows.
pub const ALLOWED_REDIRECT: &str = "app://linked?from=mail";

/// MX answers: a Microsoft 365 domain, a domain hosted elsewhere, and one whose lookups fail.
pub fn mx_table() -> FixedMx {
    FixedMx::new([
        ("contoso.example", &["contoso-example.mail.protection.outlook.com"][..]),
        ("example.org", &["mx.example.org"][..]),
    ])
    .failing_for("dns-down.example")
}

pub fn identity(clock: ManualClock) -> Identity<TestPorts> {
    let hasher = Argon2Hasher::new(Argon2Settings {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
        max_concurrent: 2,
        max_queued: 64,
        priority: HashPriority::Idle,
    })
    .unwrap();
    let tokens = JwtTokens::new(JwtSettings {
        issuer: "switchboard".into(),
        audience: "switchboard-api".into(),
        lifetime_secs: 900,
        keys: vec![SigningKeySetting {
            kid: "k1".into(),
            private_key: SecretString::from("dev-insecure-jwt-signing-key-one-AAAAAAAAAA"),
        }],
        // On, as in production: every identity test also checks the cache changes nothing.
        verified_cache: 1000,
    })
    .unwrap();
    let secrets = AeadSecretBox::new(&[SecretBoxKey {
        kid: "s1".into(),
        key: SecretString::from("dev-insecure-secret-box-key-one-AAAAAAAAAAA"),
    }])
    .unwrap();
    Identity {
        sessions: switchboard_services::CheckedSessions::default(),
        uow: MemoryStore::new(),
        clock,
        hasher,
        tokens,
        secrets,
        policy: IdentityPolicy::default(),
    }
}

/// A request and response message for the echo route.
#[derive(Clone, PartialEq, prost::Message, Serialize, Deserialize)]
pub struct Echo {
    #[prost(string, tag = "1")]
    pub text: String,
    #[prost(uint32, tag = "2")]
    pub count: u32,
}

impl prost::Name for Echo {
    const NAME: &'static str = "Echo";
    const PACKAGE: &'static str = "test.v1";
}

impl switchboard_http::required::Required for Echo {
    const REQUIRED: &'static [&'static str] = &["text"];
    const FIELDS: &'static [&'static str] = &["text", "count"];
    fn absent_in_protobuf(&self) -> Vec<&'static str> {
        if self.text.is_empty() { vec!["text"] } else { Vec::new() }
    }
}

async fn echo(body: Payload<Echo>) -> Reply<Echo> {
    Reply::created(body.into_inner())
}

#[expect(clippy::panic, reason = "the route exists to panic")]
async fn boom() -> Reply<Echo> {
    panic!("secret internal detail")
}

pub const BODY_LIMIT: usize = 4096;

pub fn deps(probe: StaticReadiness) -> AppDeps<TestPorts> {
    deps_with(probe, identity(ManualClock::default()))
}

pub fn deps_with(probe: StaticReadiness, identity: Identity<TestPorts>) -> AppDeps<TestPorts> {
    AppDeps {
        tokens: web::Data::new(identity.tokens.clone()),
        auth: web::Data::new(AuthService::new(identity.clone())),
        accounts: web::Data::new(AccountService::new(identity.clone())),
        api_keys: web::Data::new(ApiKeyService::new(identity.clone())),
        admin: web::Data::new(AdminService::new(identity.clone())),
        events: web::Data::new(EventLogService::new(identity.uow.clone())),
        jobs: web::Data::new(JobAdminService::new(identity.uow.clone())),
        chat: web::Data::new(ChatService::new(
            identity.uow.clone(),
            identity.clock.clone(),
            identity.secrets.clone(),
            NoChatSources,
            ChatPolicy::default(),
        )),
        mail: web::Data::new(MailService::new(
            identity.uow.clone(),
            identity.clock.clone(),
            identity.secrets.clone(),
            FakeMail { mx: mx_table(), ..FakeMail::default() },
            MailPolicy {
                callback_uri: "http://127.0.0.1:8000/api/mail/link/callback".to_owned(),
                allowed_redirect_uris: vec![ALLOWED_REDIRECT.to_owned()],
                ..MailPolicy::default()
            },
        )),
        stats: web::Data::new(StatsService::new(
            identity.uow.clone(),
            identity.clock.clone(),
            StatsPolicy::default(),
            std::sync::Arc::new(switchboard_domain::analytics::Sequential),
        )),
        webhooks: web::Data::new(WebhookService::new(
            identity.uow.clone(),
            identity.clock.clone(),
            identity.secrets.clone(),
            NoChatSources,
            WebhookPolicy::default(),
        )),
        notifications: web::Data::new(NotificationService::new(
            identity.uow.clone(),
            identity.clock.clone(),
            NotificationPolicy::default(),
        )),
        stream: web::Data::new(StreamService::new(
            identity.uow.clone(),
            identity.clock.clone(),
            identity.uow.clone(),
            StreamHub::new(16),
            StreamPolicy {
                ticket_ttl: std::time::Duration::from_secs(60),
                heartbeat: std::time::Duration::from_secs(15),
            },
        )),
        health: web::Data::new(HealthService::new(
            probe,
            ServiceInfo::new("switchboard", "9.9.9", Some("abc123")),
        )),
        replies: web::Data::new(KeptReplies::new(64 * 1024 * 1024)),
        settings: HttpSettings {
            body_limit: BODY_LIMIT,
            cors_origins: vec!["https://app.example".to_owned()],
            cors_max_age_secs: 60,
            trust_forwarded_for: false,
            metrics: None,
        },
    }
}

pub async fn app_with(
    probe: StaticReadiness,
) -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(
        build_app(deps(probe))
            .service(routes::resource("/test/echo").route(web::post().to(echo)))
            .service(routes::resource("/test/panic").route(web::get().to(boom))),
    )
    .await
}

pub async fn app() -> impl Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    app_with(StaticReadiness::ready()).await
}

/// Sends a request and returns status, headers and the JSON body.
pub async fn json_call(
    app: &impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
    req: test::TestRequest,
) -> (u16, actix_web::http::header::HeaderMap, serde_json::Value) {
    let res = test::call_service(app, req.to_request()).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = test::read_body(res).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, headers, json)
}

/// Asserts the error envelope's shape and returns its message.
pub fn assert_error_envelope(body: &serde_json::Value) -> String {
    assert_eq!(body["status"], "error", "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert!(body["errors"].is_array(), "{body}");
    body["message"].as_str().expect("message").to_owned()
}
