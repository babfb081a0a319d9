//! Why a chat operation failed.

use std::time::Duration;

use switchboard_domain::chat::ChatProvider;
use switchboard_ports::{ChatError, CryptoError, DeliveryError, StoreError};

/// Why a chat operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChatServiceError {
    /// No token was given.
    #[error("token must not be empty")]
    MissingToken,
    /// The provider has no default URL and none was given.
    #[error("base_url is required for {0}")]
    MissingBaseUrl(ChatProvider),
    /// The URL is malformed or its host does not resolve.
    #[error("invalid base_url: {0}")]
    InvalidBaseUrl(String),
    /// The URL's host resolves to a non-public address and configuration does not allow it.
    #[error("base_url resolves to a non-public address ({0}), which is not allowed")]
    ForbiddenAddress(String),
    /// The provider refused the token.
    #[error("the provider refused the token")]
    TokenRefused,
    /// The provider could not be reached or did not answer as documented: the URL leads
    /// nowhere useful.
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    /// The provider was reached and is failing (a server error, no answer in time): trying
    /// again later may work.
    #[error("the provider is failing: {reason}")]
    ProviderUnavailable {
        /// What it answered.
        reason: String,
        /// Seconds it asked to wait, when it said.
        retry_after: Option<u64>,
    },
    /// The provider throttles us.
    #[error("the provider is rate limiting; retry in {retry_after} seconds")]
    RateLimited {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The provider answered with an error during a sync.
    #[error("provider error: {0}")]
    Provider(ChatError),
    /// No such source of the caller's.
    #[error("no such chat source")]
    SourceNotFound,
    /// No such channel of the caller's.
    #[error("no such channel")]
    ChannelNotFound,
    /// No such live post of the caller's.
    #[error("no such post")]
    PostNotFound,
    /// Slack OAuth is not configured on this server.
    #[error("connecting Slack by OAuth is not configured on this server")]
    OAuthNotConfigured,
    /// The OAuth configuration is unusable (a bad URL, a client id or secret Slack refuses).
    #[error("the Slack OAuth configuration is unusable: {0}")]
    OAuthMisconfigured(String),
    /// The state is unknown, was used already, or its account is gone or disabled.
    #[error("the OAuth state is unknown or was already used; start the authorization again")]
    OAuthStateInvalid,
    /// The state expired before the callback came.
    #[error("the OAuth authorization took too long and expired; start it again")]
    OAuthStateExpired,
    /// The callback came authenticated as another user than the one who started it.
    #[error("this authorization was started by another user")]
    OAuthStateMismatch,
    /// The callback came from another browser than the one that started the authorization
    /// (and without the starter's credentials): nothing is connected.
    #[error(
        "this authorization was started in another browser; start it again from the browser that completes it"
    )]
    OAuthOtherBrowser,
    /// The user (or the provider) refused the authorization.
    #[error("the authorization was refused at the provider ({0})")]
    OAuthDenied(String),
    /// The provider refused the code (used, expired, or for another redirect URI).
    #[error("the provider refused the authorization code ({0}); start the authorization again")]
    OAuthCodeRefused(String),
    /// No randomness for a state.
    #[error("no randomness: {0}")]
    Random(String),
    /// A job could not be enqueued.
    #[error("cannot enqueue the job: {0}")]
    Job(String),
    /// A provider's push was refused (not configured here, not signed by the provider, too
    /// old, unreadable).
    #[error(transparent)]
    Delivery(DeliveryError),
    /// Sealing or opening the token failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ChatServiceError {
    /// How long the provider asked to wait before calling it again, for a rate limit.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Provider(ChatError::RateLimited { retry_after }) => Some(*retry_after),
            Self::RateLimited { retry_after } => Some(Duration::from_secs(*retry_after)),
            Self::ProviderUnavailable { retry_after, .. } => retry_after.map(Duration::from_secs),
            _ => None,
        }
    }

    /// The error for a provider failure while connecting (validating the token, listing the
    /// channels): what the user gave is at fault for a refused token, a URL where no API
    /// answers (HTTP 404, not the provider's JSON) or that cannot be reached; the provider for
    /// a server error or no answer in time.
    pub fn connecting(error: ChatError) -> Self {
        match error {
            e if e.needs_reauth() => Self::TokenRefused,
            ChatError::RateLimited { retry_after } => {
                Self::RateLimited { retry_after: retry_after.as_secs().max(1) }
            }
            ChatError::Unavailable { reason, retry_after } => Self::ProviderUnavailable {
                reason,
                retry_after: retry_after.map(|d| d.as_secs().max(1)),
            },
            ChatError::NotFound { what } => Self::InvalidBaseUrl(format!(
                "no chat API answers at this URL ({what}); give the server's address, without /api/v4"
            )),
            ChatError::Transport(m) | ChatError::InvalidResponse(m) => Self::Unreachable(m),
            other => Self::Provider(other),
        }
    }
}

impl From<serde_json::Error> for ChatServiceError {
    fn from(e: serde_json::Error) -> Self {
        Self::Job(e.to_string())
    }
}
