#![doc = include_str!("../README.md")]

pub mod chat;
pub mod demo;
pub mod event_log;
pub mod events;
pub mod health;
pub mod identity;
pub mod job_admin;
pub mod jobs;
pub mod kept_pages;
pub mod mail;
pub mod notifications;
pub mod oauth_flow;
pub mod stats;
pub mod stream;
pub mod webhooks;

pub use chat::{
    ChannelUpdate, ChatPolicy, ChatService, ChatServiceError, ConnectSource, Connected,
    OAuthCallback, OAuthStarted, SlackOAuthPolicy, SourceUpdate, SyncOutcome,
};
pub use demo::{DemoAccount, DemoError, DemoSeeded, DemoService};
pub use event_log::{EventLogError, EventLogService, EventPage, Viewer};
pub use events::{EventConsumer, catch_up, run_consumer_once};
pub use health::HealthService;
pub use identity::{
    AccountError, AccountService, AdminError, AdminService, ApiKeyError, ApiKeyService, AuthError,
    AuthService, CheckedSessions, ClientInfo, FailureBackoff, Identity, IdentityPolicy, NewApiKey,
    Principal, PrincipalKind, RateLimit, SecretError, SecretService, TokenPair,
};
pub use job_admin::{JobAdminError, JobAdminService};
pub use mail::{MailPolicy, MailService, MailServiceError};
pub use notifications::{
    KindPreference, NotificationError, NotificationPage, NotificationPolicy, NotificationService,
    ReadRequest,
};
pub use stats::{StatsError, StatsPolicy, StatsService};
pub use stream::{IssuedTicket, StreamError, StreamHub, StreamPolicy, StreamService};
pub use webhooks::{WebhookError, WebhookPolicy, WebhookService};
