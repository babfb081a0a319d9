//! Builds the actix-web application: middleware, routes, docs.

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpResponse, web};
use switchboard_ports::Ports;
use switchboard_services::{
    AccountService, AdminService, ApiKeyService, AuthService, ChatService, EventLogService,
    HealthService, JobAdminService, MailService, NotificationService, StatsService, StreamService,
    WebhookService,
};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::TrustForwardedFor;
use crate::kept_replies::KeptReplies;
use crate::metrics::{MetricsEndpoint, metrics_page, track};
use crate::middleware::{envelope::envelope, request_id::request_id};
use crate::openapi::ApiDoc;
use crate::payload::BodyLimit;
use crate::routes;

/// HTTP settings, from configuration.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Origins allowed by CORS; `*` allows any. Empty allows none.
    pub cors_origins: Vec<String>,
    /// How long browsers may cache a CORS preflight, in seconds.
    pub cors_max_age_secs: usize,
    /// Whether to take the client address from `X-Forwarded-For` (only behind a proxy that
    /// sets it; otherwise clients could pick their own address for throttling).
    pub trust_forwarded_for: bool,
    /// `GET /metrics` on this server, when set.
    pub metrics: Option<MetricsEndpoint>,
}

/// Everything the handlers need, shared by every worker.
#[derive(Debug)]
pub struct AppDeps<P: Ports> {
    /// Liveness, readiness and version.
    pub health: web::Data<HealthService<P::Readiness>>,
    /// Login, tokens, sessions, and authenticating requests.
    pub auth: web::Data<AuthService<P>>,
    /// Registration and the caller's account.
    pub accounts: web::Data<AccountService<P>>,
    /// API keys.
    pub api_keys: web::Data<ApiKeyService<P>>,
    /// User administration.
    pub admin: web::Data<AdminService<P>>,
    /// The access-token issuer, for the JWKS.
    pub tokens: web::Data<P::Tokens>,
    /// The event log, read through the API.
    pub events: web::Data<EventLogService<P::Events>>,
    /// The job queue, for admins.
    pub jobs: web::Data<JobAdminService<P::Jobs>>,
    /// Chat sources and channels.
    pub chat: web::Data<ChatService<P>>,
    /// Channel analytics.
    pub stats: web::Data<StatsService<P>>,
    /// Linked mailboxes.
    pub mail: web::Data<MailService<P>>,
    /// Webhooks.
    pub webhooks: web::Data<WebhookService<P>>,
    /// The caller's notifications and their preferences.
    pub notifications: web::Data<NotificationService<P>>,
    /// The live event stream.
    pub stream: web::Data<StreamService<P>>,
    /// Encoded answers kept, shared by every worker.
    pub replies: web::Data<KeptReplies>,
    /// HTTP settings.
    pub settings: HttpSettings,
}

impl<P: Ports> Clone for AppDeps<P> {
    fn clone(&self) -> Self {
        Self {
            health: self.health.clone(),
            auth: self.auth.clone(),
            accounts: self.accounts.clone(),
            api_keys: self.api_keys.clone(),
            admin: self.admin.clone(),
            tokens: self.tokens.clone(),
            events: self.events.clone(),
            jobs: self.jobs.clone(),
            chat: self.chat.clone(),
            stats: self.stats.clone(),
            mail: self.mail.clone(),
            webhooks: self.webhooks.clone(),
            notifications: self.notifications.clone(),
            stream: self.stream.clone(),
            replies: self.replies.clone(),
            settings: self.settings.clone(),
        }
    }
}

fn cors(settings: &HttpSettings) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([
            header::AUTHORIZATION,
            header::ACCEPT,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("x-api-key"),
        ])
        .expose_headers([header::HeaderName::from_static("x-request-id")])
        .max_age(settings.cors_max_age_secs);
    for origin in &settings.cors_origins {
        cors = if origin == "*" { cors.allow_any_origin() } else { cors.allowed_origin(origin) };
    }
    // Listed origins may send credentials, so a web client elsewhere can keep the OAuth
    // browser-binding cookie (`oauth_binding`); authentication itself never rides on cookies.
    // Any origin (`*`) never may.
    if !settings.cors_origins.iter().any(|o| o == "*") && !settings.cors_origins.is_empty() {
        cors = cors.supports_credentials();
    }
    cors
}

/// The application, as each server worker (or a test) runs it.
pub fn build_app<P: Ports>(
    deps: AppDeps<P>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    // actix runs the last `wrap` first: the request id outermost, so its span covers all.
    // The panic guard is on each resource (see `routes::resource`).
    App::new()
        .app_data(deps.health)
        .app_data(deps.auth)
        .app_data(deps.accounts)
        .app_data(deps.api_keys)
        .app_data(deps.admin)
        .app_data(deps.tokens)
        .app_data(deps.events)
        .app_data(deps.jobs)
        .app_data(deps.chat)
        .app_data(deps.stats)
        .app_data(deps.mail)
        .app_data(deps.webhooks)
        .app_data(deps.notifications)
        .app_data(deps.stream)
        .app_data(deps.replies)
        .app_data(web::Data::new(TrustForwardedFor(deps.settings.trust_forwarded_for)))
        .app_data(web::Data::new(BodyLimit(deps.settings.body_limit)))
        .configure(routes::configure::<P>)
        .configure(|cfg| {
            if let Some(endpoint) = deps.settings.metrics.clone() {
                cfg.app_data(web::Data::new(endpoint))
                    .route("/metrics", web::get().to(metrics_page));
            }
        })
        .service(web::redirect("/docs", "/docs/"))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ApiDoc::openapi()))
        .default_service(web::to(HttpResponse::NotFound))
        .wrap(cors(&deps.settings))
        .wrap(from_fn(envelope))
        .wrap(from_fn(track))
        .wrap(from_fn(request_id))
}
