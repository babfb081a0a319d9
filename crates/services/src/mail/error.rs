//! Why a mail operation failed.

use std::time::Duration;

use switchboard_domain::mail::MailProvider;
use switchboard_ports::mail::MailError;
use switchboard_ports::{CryptoError, MailAuthError, StoreError};

use super::DetectError;

/// Why a mail operation failed. The HTTP shell maps each variant to one status, once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailServiceError {
    /// The address's provider could not be told: the client must name it.
    #[error(transparent)]
    Detect(#[from] DetectError),
    /// The provider is not configured on this server.
    #[error("{0} mailboxes are not configured on this server")]
    ProviderNotConfigured(MailProvider),
    /// The client's redirect URI is not on the allowlist.
    #[error("redirect_uri is not one this server may redirect to")]
    RedirectNotAllowed,
    /// No such account of the caller's.
    #[error("no such mail account")]
    AccountNotFound,
    /// No such folder of the caller's.
    #[error("no such mail folder")]
    FolderNotFound,
    /// No such message of the caller's.
    #[error("no such message")]
    MessageNotFound,
    /// No such thread of the caller's.
    #[error("no such thread")]
    ThreadNotFound,
    /// No such attachment on the message.
    #[error("no such attachment")]
    AttachmentNotFound,
    /// The state is unknown, was used already, or its account is gone or disabled.
    #[error("the authorization state is unknown or was already used; start linking again")]
    StateInvalid,
    /// The state expired before the callback came.
    #[error("the authorization took too long and expired; start linking again")]
    StateExpired,
    /// The callback came authenticated as another user than the one who started it.
    #[error("this authorization was started by another user")]
    StateMismatch,
    /// The callback came from another browser than the one that started it, and there is no
    /// client redirect URI to hand a one-time code to: nothing is linked.
    #[error(
        "this authorization was started in another browser; start it again from the browser that completes it"
    )]
    OtherBrowser,
    /// The one-time link code is unknown, used, expired, or was not issued to the caller.
    #[error("the link code is unknown, expired or already used")]
    LinkCodeInvalid,
    /// The user (or the provider) refused the authorization.
    #[error("the authorization was refused at the provider ({0})")]
    Denied(String),
    /// The provider refused the grant (code used or expired, refresh token dead).
    #[error("the provider refused the grant ({0}); link the mailbox again")]
    GrantRefused(String),
    /// The provider needs the user to interact (sign in again, consent): the client acts on
    /// `error` and passes `claims` to the provider.
    #[error("the provider needs the user to {} ({error})", user_action(error))]
    InteractionRequired {
        /// `interaction_required` or `consent_required`.
        error: String,
        /// The claims challenge, if any.
        claims: Option<String>,
        /// The provider's description.
        description: String,
    },
    /// The assertion is not a valid token for this API.
    #[error("invalid assertion: {0}")]
    InvalidAssertion(String),
    /// The account needs its owner to link it again (its grant died, or a feature needs a
    /// scope it was not granted).
    #[error("the mailbox must be linked again: {0}")]
    ReauthRequired(String),
    /// A feature disabled in configuration (`mail.write_back`, `mail.send`).
    #[error("{feature} is disabled on this server (set {setting})")]
    FeatureDisabled {
        /// What was asked.
        feature: &'static str,
        /// The configuration key that enables it.
        setting: &'static str,
    },
    /// The request is malformed beyond what the HTTP layer checks (a recipient without an
    /// address).
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The provider throttles us.
    #[error("the provider is rate limiting; retry in {} seconds", retry_after.as_secs().max(1))]
    RateLimited {
        /// How long to wait.
        retry_after: Duration,
    },
    /// The provider could not be reached, or failed.
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    /// The provider answered with an error.
    #[error("provider error: {0}")]
    Provider(MailError),
    /// The provider's OAuth endpoint failed in another way (a misconfigured client).
    #[error("provider authorization error: {0}")]
    Auth(MailAuthError),
    /// No randomness.
    #[error("no randomness: {0}")]
    Random(String),
    /// A job could not be enqueued, or a payload not encoded.
    #[error("cannot enqueue the job: {0}")]
    Job(String),
    /// Sealing or opening tokens failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the user must do at the provider for an `InteractionRequired` `error`.
fn user_action(error: &str) -> &'static str {
    match error {
        "consent_required" => "consent to the access asked",
        _ => "sign in again",
    }
}

impl MailServiceError {
    /// How long the provider asked to wait, for a rate limit.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after }
            | Self::Provider(MailError::RateLimited { retry_after }) => Some(*retry_after),
            _ => None,
        }
    }
}

impl From<MailAuthError> for MailServiceError {
    fn from(e: MailAuthError) -> Self {
        match e {
            MailAuthError::InvalidGrant { code, .. } => Self::GrantRefused(code),
            MailAuthError::InteractionRequired { error, claims, description } => {
                Self::InteractionRequired { error, claims, description }
            }
            MailAuthError::InvalidAssertion(reason) => Self::InvalidAssertion(reason),
            MailAuthError::Unsupported(provider) => Self::ProviderNotConfigured(provider),
            MailAuthError::Transport(reason) => Self::Unreachable(reason),
            other => Self::Auth(other),
        }
    }
}

impl From<MailError> for MailServiceError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::RateLimited { retry_after } => Self::RateLimited { retry_after },
            MailError::Transport(reason) => Self::Unreachable(reason),
            other => Self::Provider(other),
        }
    }
}

impl From<serde_json::Error> for MailServiceError {
    fn from(e: serde_json::Error) -> Self {
        Self::Job(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_required_says_what_the_user_must_do() {
        let message = |error: &str| {
            MailServiceError::InteractionRequired {
                error: error.to_owned(),
                claims: None,
                description: "AADSTS50076".to_owned(),
            }
            .to_string()
        };
        assert_eq!(
            message("interaction_required"),
            "the provider needs the user to sign in again (interaction_required)"
        );
        assert_eq!(
            message("consent_required"),
            "the provider needs the user to consent to the access asked (consent_required)"
        );
    }
}
