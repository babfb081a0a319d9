#![doc = include_str!("../README.md")]

pub mod bundle;
pub mod chat;
pub mod chat_stats_store;
pub mod chat_store;
pub mod events;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod mail_auth;
pub mod mail_limit;
pub mod mail_limits;
pub mod mail_stats_store;
pub mod mail_store;
pub mod notification_store;
pub mod oauth;
pub mod provider_calls;
pub mod rate_limit;
pub mod readiness;
pub mod store;
pub mod stream;
pub mod unit_of_work;
pub mod webhooks;

pub use bundle::Ports;
pub use chat::{
    ChangeTracking, ChatError, ChatSource, ChatSourceFactory, DeliveryError, EitherSource,
    RetryPolicy,
};
pub use chat_stats_store::{ChatStatsStore, HourlyCount, WindowPost};
pub use chat_store::ChatStore;
pub use events::{EventQuery, EventReader};
pub use identity::{
    AccessClaims, ApiKeyStore, Clock, CryptoError, HashError, IdentityChange, IdentityStores,
    IssuedToken, PasswordHasher, RefreshTokenState, Rotation, SealedSecret, SealedSecretStore,
    SecretBox, SessionStore, SystemClock, ThrottleStore, ThrottleWindow, TokenError, TokenIssuer,
    UserPage, UserQuery, UserStore, Verification,
};
pub use jobs::{ClaimedJob, JobAdmin, JobQueue, JobRecord, NewJob, RecurringJob, WorkWakeups};
pub use mail_auth::{MailAdapters, MailAuth, MailAuthError, MailSourceFactory, ProviderTokens};
pub use mail_limit::MailboxLimit;
pub use mail_limits::MailboxLimits;
pub use mail_stats_store::{MailAccountStats, MailStatsStore, StoredThreadSummary, ThreadVersion};
pub use mail_store::{MailLinkState, MailLinkStore, MailStore, PendingMailLink};
pub use notification_store::NotificationStore;
pub use oauth::{OAuthGrant, OAuthState, OAuthStateStore};
pub use rate_limit::{RateGate, Throttled, Try, retrying, with_retries};
pub use readiness::ReadinessProbe;
pub use store::{BoxFuture, StoreError};
pub use stream::{EventFeed, StreamTicket, StreamTicketStore};
pub use unit_of_work::{Transaction, UnitOfWork};
pub use webhooks::{DeliveryRecord, OutgoingWebhook, WebhookResponse, WebhookSender, WebhookStore};
