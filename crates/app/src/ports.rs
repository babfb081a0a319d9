//! The production adapters, bundled, and the identity services built from configuration.

use std::sync::Arc;
use std::time::Duration;
use switchboard_postgres::{PgEventLog, PgJobQueue, PgReadiness, PgUnitOfWork};

use switchboard_crypto::{
    AeadSecretBox, Argon2Hasher, Argon2Settings, HashPriority, JwtSettings, JwtTokens,
    SecretBoxKey, SigningKeySetting,
};
use switchboard_ports::SystemClock;
use switchboard_postgres::PgPool;
use switchboard_services::{CheckedSessions, FailureBackoff, Identity, IdentityPolicy, RateLimit};

use crate::config::{AuthConfig, HashPriorityConfig};
use crate::error::AppError;

/// Every port served by PostgreSQL and the crypto adapters.
#[derive(Debug, Clone, Copy)]
pub struct PgPorts;

impl switchboard_ports::Ports for PgPorts {
    type Readiness = PgReadiness;
    type Uow = PgUnitOfWork;
    type Events = PgEventLog;
    type Jobs = PgJobQueue;
    type Clock = SystemClock;
    type Hasher = Argon2Hasher;
    type Tokens = JwtTokens;
    type Secrets = AeadSecretBox;
    type ChatSources = crate::chat::ProviderSources;
    type Mail = crate::mail::ProviderMail;
}

/// The chat service over `identity`'s unit of work and secret box, from configuration.
///
/// # Errors
/// [`AppError::Command`] when the providers' HTTP client cannot be built.
pub fn chat(
    identity: &Identity<PgPorts>,
    config: &crate::config::ChatConfig,
) -> Result<switchboard_services::ChatService<PgPorts>, AppError> {
    let chat = switchboard_services::ChatService::new(
        identity.uow.clone(),
        SystemClock,
        identity.secrets.clone(),
        crate::chat::ProviderSources::new(config)?,
        crate::chat::policy(config),
    );
    Ok(match crate::chat::slack_oauth_policy(config) {
        Some(oauth) => chat.with_slack_oauth(oauth),
        None => chat,
    })
}

/// The mail service over `identity`'s unit of work and secret box, from configuration;
/// `callback_uri` is this server's callback when `mail.callback_uri` is empty (jobs, which
/// never start a link, pass "").
///
/// # Errors
/// [`AppError::Command`] when a provider endpoint or DNS server is refused.
pub fn mail(
    identity: &Identity<PgPorts>,
    config: &crate::config::Config,
    callback_uri: &str,
) -> Result<switchboard_services::MailService<PgPorts>, AppError> {
    Ok(switchboard_services::MailService::new(
        identity.uow.clone(),
        SystemClock,
        identity.secrets.clone(),
        crate::mail::ProviderMail::new(&config.mail)?,
        crate::mail::policy(config, callback_uri),
    ))
}

/// The webhook dispatcher (the jobs') over `identity`'s adapters, from configuration.
///
/// # Errors
/// [`AppError::Command`] when the HTTP client cannot be built.
pub fn webhook_dispatcher(
    identity: &Identity<PgPorts>,
    config: &crate::config::WebhooksConfig,
) -> Result<
    switchboard_services::webhooks::WebhookDispatcher<PgPorts, crate::webhooks::HttpWebhookSender>,
    AppError,
> {
    Ok(switchboard_services::webhooks::WebhookDispatcher::new(
        identity.uow.clone(),
        SystemClock,
        identity.secrets.clone(),
        crate::webhooks::HttpWebhookSender::new(config)?,
        crate::webhooks::policy(config),
    ))
}

/// The analytics policy from configuration.
pub fn stats_policy(config: &crate::config::StatsConfig) -> switchboard_services::StatsPolicy {
    let max_concurrent = match config.max_concurrent {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    switchboard_services::StatsPolicy {
        max_window_posts: config.max_window_posts.max(1),
        max_history_posts: config.max_history_posts,
        max_age: Duration::from_secs(config.max_age_secs.max(1)),
        max_concurrent,
        pulse_cache: config.pulse_cache_entries,
        summary_cache: config.summary_cache_entries,
        ..switchboard_services::StatsPolicy::default()
    }
}

/// The notification service over `identity`'s unit of work, from configuration.
pub fn notifications(
    identity: &Identity<PgPorts>,
    config: &crate::config::NotificationsConfig,
) -> switchboard_services::NotificationService<PgPorts> {
    let policy = switchboard_services::NotificationPolicy {
        retention: Duration::from_secs(config.retention_days.max(1).saturating_mul(86_400)),
        ..switchboard_services::NotificationPolicy::default()
    };
    switchboard_services::NotificationService::new(identity.uow.clone(), SystemClock, policy)
}

/// The pool running the analytics' parallel parts: one thread per core, shared by every
/// computation of the process (each of the `stats.max_concurrent` computations at once splits
/// its work into parts on it, so the threads never exceed the cores).
///
/// # Errors
/// [`AppError::Command`] when the operating system refuses the threads.
pub fn analytics_pool() -> Result<Arc<rayon::ThreadPool>, AppError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("analytics-{i}"))
        .build()
        .map_err(|e| AppError::Command(format!("analytics threads: {e}")))?;
    Ok(Arc::new(pool))
}

/// The stats service over `identity`'s unit of work, from configuration, with the process's
/// [`analytics_pool`]. Build it once per process and clone it.
///
/// # Errors
/// [`AppError::Command`] when the analytics pool cannot be started.
pub fn stats(
    identity: &Identity<PgPorts>,
    config: &crate::config::StatsConfig,
) -> Result<switchboard_services::StatsService<PgPorts>, AppError> {
    Ok(switchboard_services::StatsService::new(
        identity.uow.clone(),
        SystemClock,
        stats_policy(config),
        analytics_pool()?,
    ))
}

/// The access tokens' signer and verifier, from `auth.signing_keys` and the token settings.
///
/// # Errors
/// [`AppError::Keys`] for unusable keys.
pub fn tokens(auth: &AuthConfig) -> Result<JwtTokens, AppError> {
    JwtTokens::new(JwtSettings {
        issuer: auth.issuer.clone(),
        audience: auth.audience.clone(),
        lifetime_secs: auth.access_token_secs,
        keys: auth
            .signing_keys
            .iter()
            .map(|k| SigningKeySetting { kid: k.kid.clone(), private_key: k.private_key.clone() })
            .collect(),
        verified_cache: auth.verified_token_cache,
    })
    .map_err(|e| AppError::Keys(e.to_string()))
}

/// The secret box, from `auth.secret_keys`.
///
/// # Errors
/// [`AppError::Keys`] for unusable keys.
pub fn secret_box(auth: &AuthConfig) -> Result<AeadSecretBox, AppError> {
    let keys: Vec<SecretBoxKey> = auth
        .secret_keys
        .iter()
        .map(|k| SecretBoxKey { kid: k.kid.clone(), key: k.key.clone() })
        .collect();
    AeadSecretBox::new(&keys).map_err(|e| AppError::Keys(e.to_string()))
}

/// The identity adapters and policy, from configuration.
///
/// # Errors
/// [`AppError::Keys`] for unusable keys or argon2 parameters.
pub fn identity(pool: PgPool, auth: &AuthConfig) -> Result<Identity<PgPorts>, AppError> {
    let max_concurrent = match auth.argon2.max_concurrent {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let hasher = Argon2Hasher::new(Argon2Settings {
        memory_kib: auth.argon2.memory_kib,
        iterations: auth.argon2.iterations,
        parallelism: auth.argon2.parallelism,
        max_concurrent,
        max_queued: auth.argon2.max_queued,
        priority: match auth.argon2.priority {
            HashPriorityConfig::Idle => HashPriority::Idle,
            HashPriorityConfig::Low => HashPriority::Low,
            HashPriorityConfig::Normal => HashPriority::Normal,
        },
    })
    .map_err(|e| AppError::Keys(e.to_string()))?;
    let tokens = tokens(auth)?;
    let secrets = secret_box(auth)?;
    let l = auth.limits;
    let window = Duration::from_secs(l.window_secs);
    let failed = Duration::from_secs(l.failed_window_secs);
    Ok(Identity {
        sessions: CheckedSessions::new(auth.session_cache),
        uow: PgUnitOfWork::new(pool),
        clock: SystemClock,
        hasher,
        tokens,
        secrets,
        policy: IdentityPolicy {
            session_idle: Duration::from_secs(auth.session_idle_secs),
            session_absolute: Duration::from_secs(auth.session_absolute_secs),
            refresh_reuse_grace: Duration::from_secs(auth.refresh_reuse_grace_secs),
            login_per_ip: RateLimit { limit: l.login_per_ip, window },
            register_per_ip: RateLimit { limit: l.register_per_ip, window },
            failed_per_account: RateLimit {
                limit: l.failed_per_account,
                window: Duration::from_secs(l.failed_account_window_secs),
            },
            failed_per_account_ip: FailureBackoff {
                free: l.failed_per_account_ip,
                first_delay: Duration::from_secs(l.failed_delay_secs),
                max_delay: Duration::from_secs(l.failed_delay_max_secs),
                window: Duration::from_secs(l.failed_account_window_secs),
            },
            failed_per_ip: RateLimit { limit: l.failed_per_ip, window: failed },
        },
    })
}
