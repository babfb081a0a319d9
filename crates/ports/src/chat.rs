//! Chat sources: a Slack workspace or a Mattermost server, reached with one user's token.
//!
//! Adapters: `switchboard-slack` and `switchboard-mattermost`. Both retry a 429 themselves
//! (within a [`RetryPolicy`], through [`crate::rate_limit::with_retries`]) and give up with
//! [`ChatError::RateLimited`], so a caller sees a rate limit only when waiting in place would
//! be unreasonable.

use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::chat_events::{ChatDelivery, SignedDelivery};

use switchboard_domain::chat::{
    ChannelRef, ChatIdentity, ChatPost, ChatProvider, ChatUser, HistoryScope, PageCursor, PostPage,
};

/// Why a chat provider call failed.
///
/// [`ChatError::needs_reauth`] tells the caller to mark the source `reauth_required` rather
/// than retry; [`ChatError::is_transient`] that retrying later may succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChatError {
    /// The token is missing, unknown or no longer valid (Slack `invalid_auth`,
    /// `account_inactive`, `not_authed`; HTTP 401).
    #[error("the provider refused the token: {reason}")]
    Unauthorized {
        /// The provider's code or message.
        reason: String,
    },
    /// The token was revoked (Slack `token_revoked`).
    #[error("the token was revoked")]
    TokenRevoked,
    /// Still throttled after the retries the policy allows.
    #[error("rate limited by the provider; retry after {retry_after:?}")]
    RateLimited {
        /// How long the provider asked to wait.
        retry_after: Duration,
    },
    /// The channel (or thread) does not exist or the token cannot read it.
    #[error("not found: {what}")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The provider answered with an error of its own (Slack `ok: false`, a Mattermost
    /// `AppError`).
    #[error("provider error {code}: {message}")]
    Provider {
        /// The provider's error code (Slack `error`, Mattermost `id` or the HTTP status).
        code: String,
        /// A human-readable message.
        message: String,
    },
    /// The answer could not be understood (not the documented JSON).
    #[error("unexpected answer from the provider: {0}")]
    InvalidResponse(String),
    /// The provider could not be reached (connection refused, a name that does not resolve,
    /// TLS, a redirect refused).
    #[error("cannot reach the provider: {0}")]
    Transport(String),
    /// The provider was reached but is failing: it answered a server error (HTTP 5xx, Slack's
    /// `internal_error`, `fatal_error`, `service_unavailable`), or did not answer in time.
    #[error("the provider is failing: {reason}")]
    Unavailable {
        /// What it answered.
        reason: String,
        /// How long it asked to wait (`Retry-After` of a 503), when it said.
        retry_after: Option<Duration>,
    },
}

impl ChatError {
    /// Whether the source must be connected again (a new token) before it can sync.
    pub fn needs_reauth(&self) -> bool {
        matches!(self, Self::Unauthorized { .. } | Self::TokenRevoked)
    }

    /// Whether the same call may succeed later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Transport(_) | Self::Unavailable { .. })
    }

    /// [`ChatError::Transport`] naming `error` and each of its causes: an HTTP client's own
    /// message ("error sending request") alone hides what failed (refused, DNS, TLS).
    ///
    /// ```
    /// use switchboard_ports::ChatError;
    ///
    /// let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    /// assert_eq!(ChatError::transport(&refused), ChatError::Transport("refused".into()));
    /// ```
    pub fn transport(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut message = error.to_string();
        let mut cause = error.source();
        while let Some(inner) = cause {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            cause = inner.source();
        }
        Self::Transport(message)
    }
}

/// How an adapter answers a 429: wait as told (`Retry-After`), at least an exponential
/// backoff, at most `max_wait` per wait and `max_retries` times, then
/// [`ChatError::RateLimited`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; it doubles with each retry.
    pub base_backoff: Duration,
    /// The longest single wait; a longer `Retry-After` fails at once.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// How long to wait before retry number `attempt` (0 for the first retry) after a 429
    /// that asked for `retry_after`, or `None` to give up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use switchboard_ports::chat::RetryPolicy;
    ///
    /// let policy = RetryPolicy {
    ///     max_retries: 2,
    ///     base_backoff: Duration::from_millis(100),
    ///     max_wait: Duration::from_secs(5),
    /// };
    /// assert_eq!(policy.delay(0, Duration::from_secs(1)), Some(Duration::from_secs(1)));
    /// assert_eq!(policy.delay(1, Duration::ZERO), Some(Duration::from_millis(200)));
    /// assert_eq!(policy.delay(2, Duration::ZERO), None);
    /// assert_eq!(policy.delay(0, Duration::from_secs(10)), None);
    /// ```
    pub fn delay(&self, attempt: u32, retry_after: Duration) -> Option<Duration> {
        if attempt >= self.max_retries || retry_after > self.max_wait {
            return None;
        }
        let backoff = self.base_backoff.saturating_mul(2_u32.saturating_pow(attempt));
        Some(retry_after.max(backoff).min(self.max_wait))
    }
}

/// How a source learns what changed in a channel since the last sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeTracking {
    /// [`HistoryScope::Changes`] lists every post created, edited or deleted since a time
    /// (Mattermost's `since`): a change scan is exact.
    ChangeList,
    /// No change list (Slack): the caller lists the whole window with
    /// [`HistoryScope::Listing`] (new and edited top-level posts, deletions as absences, each
    /// thread's summary) and reads with [`ChatSource::thread`] the threads whose summary
    /// differs from what it stored.
    Listing,
}

/// One user's view of a chat provider, through their token.
///
/// Identifiers are the provider's. Every method may fail with [`ChatError::Unauthorized`] or
/// [`ChatError::TokenRevoked`] (the token no longer works), [`ChatError::RateLimited`],
/// [`ChatError::Provider`], [`ChatError::InvalidResponse`], [`ChatError::Transport`] or
/// [`ChatError::Unavailable`].
pub trait ChatSource: Send + Sync + 'static {
    /// Who the token belongs to, and which workspace or teams it reaches: validates a token
    /// before it is saved.
    ///
    /// # Errors
    /// As the trait says; a bad token is [`ChatError::Unauthorized`] or
    /// [`ChatError::TokenRevoked`].
    fn identity(&self) -> impl Future<Output = Result<ChatIdentity, ChatError>> + Send;

    /// Every channel the token's owner is a member of and can read, archived ones excluded.
    ///
    /// # Errors
    /// As the trait says.
    fn channels(&self) -> impl Future<Output = Result<Vec<ChannelRef>, ChatError>> + Send;

    /// One page of a channel's posts, thread replies included: a backfill or the changes since
    /// a time (see [`HistoryScope`]). Start with `page: None` and pass each answer's
    /// [`PostPage::next`] back with the same `channel_id` and `scope` until it is `None`.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a channel that does not exist or that the token cannot read;
    /// otherwise as the trait says.
    fn history(
        &self,
        channel_id: &str,
        scope: HistoryScope,
        page: Option<&PageCursor>,
    ) -> impl Future<Output = Result<PostPage, ChatError>> + Send;

    /// The people with these ids; unknown ids are left out. An adapter that had to read the
    /// whole directory to find them (Slack's `users.list`) answers with everyone it read, so
    /// that a caller keeping them does not read it again for the next ids.
    ///
    /// # Errors
    /// As the trait says.
    fn users(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<ChatUser>, ChatError>> + Send;

    /// How this source reports changes, which decides how a sync scans a channel already
    /// backfilled.
    fn change_tracking(&self) -> ChangeTracking {
        ChangeTracking::ChangeList
    }

    /// Every live reply of the thread rooted at `root_id`, the root left out, all pages:
    /// what a [`HistoryScope::Listing`] leaves out. Sources tracking changes with
    /// [`ChangeTracking::ChangeList`] list replies in their history and refuse.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a thread or channel that does not exist (any more);
    /// otherwise as the trait says.
    fn thread(
        &self,
        channel_id: &str,
        root_id: &str,
    ) -> impl Future<Output = Result<Vec<ChatPost>, ChatError>> + Send {
        let _ = (channel_id, root_id);
        async {
            Err(ChatError::Provider {
                code: "unsupported".to_owned(),
                message: "this source lists replies in its history".to_owned(),
            })
        }
    }
}

/// Builds a [`ChatSource`] for a provider, an API base URL and a token. The app implements it
/// over the provider crates, sharing one HTTP client between all sources.
pub trait ChatSourceFactory: Send + Sync + 'static {
    /// The sources it builds.
    type Source: ChatSource;

    /// The API base URL to use when the user gives none (Slack's public API, or one set in
    /// configuration); `None` when the user must give one.
    fn default_base_url(&self, provider: ChatProvider) -> Option<String>;

    /// A source reaching `base_url` with `token`.
    ///
    /// # Errors
    /// [`ChatError::Transport`] when no client can be built for it.
    fn source(
        &self,
        provider: ChatProvider,
        base_url: &str,
        token: &str,
    ) -> Result<Self::Source, ChatError>;

    /// Exchanges an OAuth authorization code, sent back to `redirect_uri`, for a token
    /// (Slack: `oauth.v2.access`, authenticated with the app's client id and secret, which
    /// the factory holds). Factories without OAuth refuse.
    ///
    /// # Errors
    /// [`ChatError::Provider`] with the provider's code (`invalid_code` for a used or expired
    /// code), [`ChatError::Transport`], [`ChatError::InvalidResponse`].
    fn exchange_oauth_code(
        &self,
        provider: ChatProvider,
        code: &str,
        redirect_uri: &str,
    ) -> impl Future<Output = Result<crate::OAuthGrant, ChatError>> + Send {
        let _ = (code, redirect_uri);
        async move {
            Err(ChatError::Provider {
                code: "oauth_unsupported".to_owned(),
                message: format!("no OAuth client is configured for {provider}"),
            })
        }
    }

    /// Checks a provider's push (Slack's Events API) — its signature, with the secret the
    /// factory holds, and its freshness at `now` — then reads it.
    ///
    /// # Errors
    /// [`DeliveryError::NotConfigured`] when the provider has no signing secret here (the
    /// default); [`DeliveryError::Unsigned`], [`DeliveryError::BadSignature`] or
    /// [`DeliveryError::Stale`] for a request not from the provider (or replayed late);
    /// [`DeliveryError::Malformed`] for a signed body that is not the documented JSON.
    fn open_delivery(
        &self,
        provider: ChatProvider,
        delivery: SignedDelivery<'_>,
        now: DateTime<Utc>,
    ) -> Result<ChatDelivery, DeliveryError> {
        let _ = (delivery, now);
        Err(DeliveryError::NotConfigured(provider.to_string()))
    }

    /// The addresses `host` resolves to, so a user-given URL can be refused before anything
    /// calls it when it leads to a private or metadata address (SSRF).
    ///
    /// # Errors
    /// [`ChatError::Transport`] when the name does not resolve.
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> impl Future<Output = Result<Vec<IpAddr>, ChatError>> + Send;
}

/// Why a provider's push was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// No signing secret is configured for this provider: pushes are not accepted.
    #[error("events from {0} are not configured on this server")]
    NotConfigured(String),
    /// The signature or timestamp header is missing.
    #[error("the request is not signed")]
    Unsigned,
    /// The signature does not match the body and timestamp.
    #[error("the signature does not match")]
    BadSignature,
    /// The timestamp is too far from now (a replay, or a clock far off).
    #[error("the request timestamp is too far from now")]
    Stale,
    /// Signed, but not the documented JSON.
    #[error("the event cannot be read: {0}")]
    Malformed(String),
}

/// One of two chat sources, chosen at run time (a factory's Slack or Mattermost source).
#[derive(Debug, Clone)]
pub enum EitherSource<A, B> {
    /// The first kind.
    Left(A),
    /// The second kind.
    Right(B),
}

impl<A: ChatSource, B: ChatSource> ChatSource for EitherSource<A, B> {
    async fn identity(&self) -> Result<ChatIdentity, ChatError> {
        match self {
            Self::Left(s) => s.identity().await,
            Self::Right(s) => s.identity().await,
        }
    }

    async fn channels(&self) -> Result<Vec<ChannelRef>, ChatError> {
        match self {
            Self::Left(s) => s.channels().await,
            Self::Right(s) => s.channels().await,
        }
    }

    async fn history(
        &self,
        channel_id: &str,
        scope: HistoryScope,
        page: Option<&PageCursor>,
    ) -> Result<PostPage, ChatError> {
        match self {
            Self::Left(s) => s.history(channel_id, scope, page).await,
            Self::Right(s) => s.history(channel_id, scope, page).await,
        }
    }

    async fn users(&self, ids: &[String]) -> Result<Vec<ChatUser>, ChatError> {
        match self {
            Self::Left(s) => s.users(ids).await,
            Self::Right(s) => s.users(ids).await,
        }
    }

    fn change_tracking(&self) -> ChangeTracking {
        match self {
            Self::Left(s) => s.change_tracking(),
            Self::Right(s) => s.change_tracking(),
        }
    }

    async fn thread(&self, channel_id: &str, root_id: &str) -> Result<Vec<ChatPost>, ChatError> {
        match self {
            Self::Left(s) => s.thread(channel_id, root_id).await,
            Self::Right(s) => s.thread(channel_id, root_id).await,
        }
    }
}
