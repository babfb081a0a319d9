//! The `[auth]` section.

use secrecy::SecretString;
use serde::Deserialize;

/// Identity and access.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// JWT `iss`.
    pub issuer: String,
    /// JWT `aud`.
    pub audience: String,
    /// Access tokens' lifetime.
    pub access_token_secs: u64,
    /// Access tokens remembered once verified, so a token presented again skips the
    /// signature check; 0 turns the cache off.
    pub verified_token_cache: usize,
    /// Sessions checked lately, kept until notified of a change; 0 turns the cache off.
    pub session_cache: usize,
    /// Idle timeout of sessions.
    pub session_idle_secs: u64,
    /// Absolute lifetime of sessions.
    pub session_absolute_secs: u64,
    /// Seconds after a refresh token's rotation in which presenting it again gets the same
    /// successor back instead of revoking the session; 0 turns the grace off.
    pub refresh_reuse_grace_secs: u64,
    /// Believe `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Ed25519 keys; the first signs.
    pub signing_keys: Vec<SigningKeyConfig>,
    /// Secret-box keys; the first seals.
    pub secret_keys: Vec<SecretKeyConfig>,
    /// Password hashing.
    pub argon2: Argon2Config,
    /// Abuse limits.
    pub limits: LimitsConfig,
}

/// One JWT signing key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKeyConfig {
    /// Key id (`kid`).
    pub kid: String,
    /// PKCS#8 PEM or base64 seed.
    pub private_key: SecretString,
}

/// One secret-box key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretKeyConfig {
    /// Key id, written in each ciphertext.
    pub kid: String,
    /// 32 bytes in base64.
    pub key: SecretString,
}

/// argon2id parameters.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argon2Config {
    /// KiB of memory.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// Hashing threads (hashes at once); 0 is one per core.
    pub max_concurrent: usize,
    /// Hashes that may wait for a thread; more are answered 503 at once.
    pub max_queued: usize,
    /// The hashing threads' OS scheduling priority.
    pub priority: HashPriorityConfig,
}

/// How the hashing threads are scheduled against everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HashPriorityConfig {
    /// `SCHED_IDLE`: only CPU time nothing else wants.
    Idle,
    /// Nice 19.
    Low,
    /// Like request threads.
    Normal,
}

/// Rate limits and failed-login throttling.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Login attempts per IP per window.
    pub login_per_ip: u32,
    /// Registrations per IP per window.
    pub register_per_ip: u32,
    /// The rate-limit window.
    pub window_secs: u64,
    /// Failed logins of one account from one address before each further one makes that
    /// pair wait.
    pub failed_per_account_ip: u32,
    /// The first wait of a pair, doubled at each further failure.
    pub failed_delay_secs: u64,
    /// The longest wait of a pair.
    pub failed_delay_max_secs: u64,
    /// Failed logins of one account, from every address, that lock it for all addresses.
    pub failed_per_account: u32,
    /// How long an account's failures (over all addresses, and per address) are counted.
    pub failed_account_window_secs: u64,
    /// Failed logins per IP, over every account, per failure window.
    pub failed_per_ip: u32,
    /// The per-IP failure window.
    pub failed_window_secs: u64,
}
