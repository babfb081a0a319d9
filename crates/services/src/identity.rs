//! Identity and access use cases: accounts, login and sessions, API keys, administration and
//! secrets at rest. Every service shares one [`Identity`]: the adapters and the policy.

mod accounts;
mod admin;
mod api_keys;
mod auth;
mod checked_sessions;
pub(crate) mod opaque;
mod principal;
mod secrets;
mod throttle;

use std::time::Duration;

pub use accounts::{AccountError, AccountService, NO_PASSWORD_HASH, display_name};
pub(crate) use accounts::{create_user, insert_user};
pub use admin::{AdminError, AdminService};
pub use api_keys::{ApiKeyError, ApiKeyService, NewApiKey};
pub use auth::{AuthError, AuthService, TokenPair};
pub use checked_sessions::CheckedSessions;

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

/// Failed logins of one account from one client address: a few are free, then each further
/// failure makes the pair wait before its next attempt, twice as long as the last time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureBackoff {
    /// Failures allowed before any delay.
    pub free: u32,
    /// The delay after the first failure beyond the free ones.
    pub first_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// How long failures are remembered (a success forgets them at once).
    pub window: Duration,
}

impl FailureBackoff {
    /// The wait imposed after the `failures`-th failure in a row, if any.
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(self.free).filter(|n| *n > 0)?;
        let factor = 1u32.checked_shl(beyond - 1).unwrap_or(u32::MAX);
        Some(self.first_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// Lifetimes and abuse limits, from configuration.
#[derive(Debug, Clone)]
pub struct IdentityPolicy {
    /// A session unused (not refreshed) this long ends.
    pub session_idle: Duration,
    /// A session ends this long after login, whatever its use.
    pub session_absolute: Duration,
    /// How long after a refresh token's rotation presenting it again gets the same successor
    /// back (two requests in flight with one token) instead of revoking the session as reuse.
    /// Zero turns the grace off.
    pub refresh_reuse_grace: Duration,
    /// Login attempts per client IP.
    pub login_per_ip: RateLimit,
    /// Registrations per client IP.
    pub register_per_ip: RateLimit,
    /// Failed logins of one account from every address before it is locked for all addresses
    /// until the window ends: a high ceiling (NIST SP 800-63B: at most 100), so that a stranger
    /// who knows the email cannot lock its owner out. A success resets it.
    pub failed_per_account: RateLimit,
    /// Failed logins of one account from one address: growing delays for that pair only, so
    /// the owner, from their own address, still gets in while a guesser elsewhere waits.
    pub failed_per_account_ip: FailureBackoff,
    /// Failed logins per client IP, over every account, before the address is throttled.
    pub failed_per_ip: RateLimit,
}

impl Default for IdentityPolicy {
    fn default() -> Self {
        let minute = Duration::from_secs(60);
        Self {
            session_idle: Duration::from_secs(14 * 24 * 3600),
            session_absolute: Duration::from_secs(90 * 24 * 3600),
            refresh_reuse_grace: Duration::from_secs(5),
            login_per_ip: RateLimit { limit: 60, window: minute },
            register_per_ip: RateLimit { limit: 10, window: minute },
            failed_per_account: RateLimit { limit: 100, window: Duration::from_secs(86_400) },
            failed_per_account_ip: FailureBackoff {
                free: 5,
                first_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(900),
                window: Duration::from_secs(86_400),
            },
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
    /// The sessions checked lately, one set per process (see [`CheckedSessions`]).
    pub sessions: CheckedSessions,
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
            sessions: self.sessions.clone(),
        }
    }
}
