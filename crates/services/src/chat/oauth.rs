//! Connecting Slack with OAuth v2 (<https://docs.slack.dev/authentication/installing-with-oauth>)
//! instead of a pasted token.
//!
//! `start` stores a fresh 256-bit state (its SHA-256 only) bound to the caller and to the
//! starting browser (see [`crate::oauth_flow`]), for `state_ttl`, and answers Slack's
//! authorization URL and the browser's nonce. Slack sends the browser back to the callback
//! with `code` and `state` (or `error=access_denied`); the callback carries no Switchboard
//! credentials, so the state says whose account the grant joins: it is taken once,
//! atomically, refused once expired, refused when the callback carries a caller who is someone
//! else, and refused when it carries neither the starter's credentials nor the starting
//! browser's nonce (someone else opened the link). The code is then exchanged (`oauth.v2.access`, the app's client secret
//! held by the source factory) for the user token, which is connected exactly like
//! `POST /api/chat/sources`: validated with `auth.test`, sealed, channels found, sync enqueued.
//!
//! The user token (`authed_user.access_token`) is the one kept: it reads the channels the user
//! is a member of, with the user scopes asked for; a bot token reads only channels the bot
//! was invited to.

use std::time::Duration;

use chrono::{DateTime, Utc};
use switchboard_domain::UserId;
use switchboard_domain::chat::ChatProvider;
use switchboard_ports::{ChatError, ChatSourceFactory, Clock, OAuthStateStore, Ports, UnitOfWork};

use super::{ChatService, ChatServiceError, ConnectSource, Connected};
use crate::identity::Principal;
use crate::oauth_flow::{self, Refusal};

/// Slack OAuth settings, from configuration; the client secret stays with the source factory.
#[derive(Debug, Clone)]
pub struct SlackOAuthPolicy {
    /// The Slack app's client id.
    pub client_id: String,
    /// Slack's authorization page (`https://slack.com/oauth/v2/authorize`).
    pub authorize_url: String,
    /// This server's callback, as registered in the Slack app.
    pub redirect_uri: String,
    /// Scopes of the user token.
    pub user_scopes: Vec<String>,
    /// Scopes of a bot token (usually none).
    pub bot_scopes: Vec<String>,
    /// How long a started authorization may take.
    pub state_ttl: Duration,
}

/// A started authorization: where to send the user's browser, and what it must keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthStarted {
    /// Slack's authorization URL, with the state in it.
    pub authorize_url: String,
    /// When the state stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// The nonce the starting browser keeps (a cookie) and presents at the callback.
    pub binding: String,
    /// How long the browser should keep the nonce: as long as the state lives.
    pub binding_lifetime: Duration,
    /// Whether the callback is served over HTTPS (so the cookie may be `Secure`).
    pub callback_is_https: bool,
}

/// What the provider sent the browser back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthCallback {
    /// The user approved: the code to exchange.
    Code(String),
    /// The user (or the provider) refused: the `error` parameter (`access_denied`).
    Denied(String),
}

impl<P: Ports> ChatService<P> {
    /// Slack OAuth on, with these settings.
    #[must_use]
    pub fn with_slack_oauth(mut self, policy: SlackOAuthPolicy) -> Self {
        self.slack_oauth = Some(policy);
        self
    }

    /// Starts connecting a Slack workspace by OAuth for the caller.
    ///
    /// # Errors
    /// [`ChatServiceError::OAuthNotConfigured`], or a failure.
    pub async fn start_slack_oauth(
        &self,
        caller: &Principal,
    ) -> Result<OAuthStarted, ChatServiceError> {
        let policy = self.slack_oauth.as_ref().ok_or(ChatServiceError::OAuthNotConfigured)?;
        let now = self.clock.now();
        let started = oauth_flow::start(
            caller.user_id,
            ChatProvider::Slack,
            &policy.redirect_uri,
            now,
            policy.state_ttl,
        )
        .map_err(ChatServiceError::Random)?;
        let (state, binding, row) = (started.state, started.binding, started.record);
        let expires_at = row.expires_at;
        self.uow
            .transact(move |tx| {
                Box::pin(async move {
                    tx.insert_oauth_state(&row, now).await?;
                    Ok::<_, ChatServiceError>(())
                })
            })
            .await?;
        let url = url::Url::parse_with_params(
            &policy.authorize_url,
            [
                ("client_id", policy.client_id.as_str()),
                ("scope", &policy.bot_scopes.join(",")),
                ("user_scope", &policy.user_scopes.join(",")),
                ("redirect_uri", &policy.redirect_uri),
                ("state", &state),
            ],
        )
        .map_err(|e| ChatServiceError::OAuthMisconfigured(format!("authorize_url: {e}")))?;
        Ok(OAuthStarted {
            authorize_url: url.into(),
            expires_at,
            binding,
            binding_lifetime: policy.state_ttl,
            callback_is_https: policy.redirect_uri.starts_with("https://"),
        })
    }

    /// Finishes a Slack authorization: takes its state (once), checks it was completed by the
    /// browser that started it (`binding`, its nonce) or by the starter's own credentials
    /// (`caller`, whoever the callback request authenticated as, if anyone: a different user is
    /// refused), then on approval exchanges the code and connects the workspace for the user
    /// who started it.
    ///
    /// # Errors
    /// [`ChatServiceError::OAuthStateInvalid`] (unknown, used, or its account gone),
    /// [`ChatServiceError::OAuthStateExpired`], [`ChatServiceError::OAuthStateMismatch`],
    /// [`ChatServiceError::OAuthOtherBrowser`], [`ChatServiceError::OAuthDenied`],
    /// [`ChatServiceError::OAuthCodeRefused`], then as [`ChatService::connect`].
    pub async fn finish_slack_oauth(
        &self,
        state: &str,
        callback: OAuthCallback,
        caller: Option<UserId>,
        binding: Option<&str>,
    ) -> Result<Connected, ChatServiceError> {
        if self.slack_oauth.is_none() {
            return Err(ChatServiceError::OAuthNotConfigured);
        }
        let state = state.to_owned();
        let taken = self
            .uow
            .transact(move |tx| {
                Box::pin(
                    async move { Ok::<_, ChatServiceError>(oauth_flow::take(tx, &state).await?) },
                )
            })
            .await?;
        let taken = taken.ok_or(ChatServiceError::OAuthStateInvalid)?;
        oauth_flow::check(&taken, ChatProvider::Slack, self.clock.now(), caller, binding).map_err(
            |refusal| match refusal {
                Refusal::Invalid => ChatServiceError::OAuthStateInvalid,
                Refusal::Expired => ChatServiceError::OAuthStateExpired,
                Refusal::OtherUser => ChatServiceError::OAuthStateMismatch,
                Refusal::OtherBrowser => ChatServiceError::OAuthOtherBrowser,
            },
        )?;
        let code = match callback {
            OAuthCallback::Code(code) if !code.trim().is_empty() => code,
            OAuthCallback::Code(_) => {
                return Err(ChatServiceError::OAuthCodeRefused("no code".to_owned()));
            }
            OAuthCallback::Denied(error) => return Err(ChatServiceError::OAuthDenied(error)),
        };
        let grant = self
            .sources
            .exchange_oauth_code(ChatProvider::Slack, code.trim(), &taken.redirect_uri)
            .await
            .map_err(exchange_error)?;
        if grant.access_token.is_empty() {
            return Err(ChatServiceError::OAuthCodeRefused(
                "Slack granted no user token: ask for user scopes".to_owned(),
            ));
        }
        let request = ConnectSource {
            provider: ChatProvider::Slack,
            token: grant.access_token,
            base_url: None,
            include_direct: None,
        };
        self.connect_for(taken.user_id, request).await
    }
}

fn exchange_error(error: ChatError) -> ChatServiceError {
    match error {
        ChatError::Provider { code, .. }
            if matches!(
                code.as_str(),
                "invalid_code" | "code_already_used" | "bad_redirect_uri" | "invalid_grant_type"
            ) =>
        {
            ChatServiceError::OAuthCodeRefused(code)
        }
        ChatError::Provider { code, message }
            if matches!(
                code.as_str(),
                "invalid_client_id" | "bad_client_secret" | "oauth_unsupported"
            ) =>
        {
            ChatServiceError::OAuthMisconfigured(format!("{code}: {message}"))
        }
        other => ChatServiceError::connecting(other),
    }
}
