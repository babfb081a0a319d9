//! Identity and access use cases: accounts, login and sessions, API keys, administration and
//! secrets at rest. Every service shares one [`Identity`]: the adapters and the policy.

mod accounts;
mod admin;
mod api_keys;
mod auth;
pub(crate) mod opaque;
mod principal;
mod secrets;
mod throttle;

use std::time::Duration;

pub(crate) use accounts::create_user;
pub use accounts::{AccountError, AccountService, display_name};
pub use admin::{AdminError, AdminService};
pub use api_keys::{ApiKeyError, ApiKeyService, NewApiKey};
pub use auth::{AuthError, AuthService, TokenPair};
pub use principal::{ClientInfo, Principal, PrincipalKind};
pub use secrets::{SecretError, SecretService};
use switchboard_ports::Ports;

/// At most `limit` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Hits allowed in a window.
    pub limit: u32,
    /// The window.
    pub window: Duration,
}

/// Lifetimes and abuse limits, from configuration.
#[derive(Debug, Clone)]
pub struct IdentityPolicy {
    /// A session unused (not refreshed) this long ends.
    pub session_idle: Duration,
    /// A session ends this long after login, whatever its use.
    pub session_absolute: Duration,
    /// Login attempts per client IP.
    pub login_per_ip: RateLimit,
    /// Registrations per client IP.
    pub register_per_ip: RateLimit,
    /// Failed logins per account before it is throttled.
    pub failed_per_account: RateLimit,
    /// Failed logins per client IP before it is throttled.
    pub failed_per_ip: RateLimit,
}

impl Default for IdentityPolicy {
    fn default() -> Self {
        let minute = Duration::from_secs(60);
        Self {
            session_idle: Duration::from_secs(14 * 24 * 3600),
            session_absolute: Duration::from_secs(90 * 24 * 3600),
            login_per_ip: RateLimit { limit: 60, window: minute },
            register_per_ip: RateLimit { limit: 10, window: minute },
            failed_per_account: RateLimit { limit: 5, window: Duration::from_secs(900) },
            failed_per_ip: RateLimit { limit: 20, window: Duration::from_secs(900) },
        }
    }
}

/// The adapters and policy every identity service uses.
pub struct Identity<P: Ports> {
    /// Transactions.
    pub uow: P::Uow,
    /// The time.
    pub clock: P::Clock,
    /// Password hashing.
    pub hasher: P::Hasher,
    /// Access tokens.
    pub tokens: P::Tokens,
    /// Secrets at rest.
    pub secrets: P::Secrets,
    /// Lifetimes and limits.
    pub policy: IdentityPolicy,
}

impl<P: Ports> std::fmt::Debug for Identity<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("policy", &self.policy).finish_non_exhaustive()
    }
}

impl<P: Ports> Clone for Identity<P> {
    fn clone(&self) -> Self {
        Self {
            uow: self.uow.clone(),
            clock: self.clock.clone(),
            hasher: self.hasher.clone(),
            tokens: self.tokens.clone(),
            secrets: self.secrets.clone(),
            policy: self.policy.clone(),
        }
    }
}
