//! `oauth.v2.access` (<https://docs.slack.dev/reference/methods/oauth.v2.access>): the third
//! step of Slack's OAuth v2, exchanging the code the browser brought back for tokens. The
//! app's client id and secret go in HTTP Basic authentication, as Slack recommends, never in
//! the form. The user token (`authed_user.access_token`) is what a chat source reads with.

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use switchboard_ports::{ChatError, OAuthGrant};

use crate::client::decode;
use crate::error;

/// A Slack app's credentials.
#[derive(Debug, Clone)]
pub struct SlackOAuthClient {
    /// The Web API base (`https://slack.com/api`).
    pub base_url: String,
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: SecretString,
}

#[derive(Debug, Deserialize)]
struct Access {
    #[serde(default)]
    authed_user: AuthedUser,
    #[serde(default)]
    team: Option<Team>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthedUser {
    #[serde(default)]
    id: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Team {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
}

impl SlackOAuthClient {
    /// Exchanges `code`, sent back to `redirect_uri`, for the grant. A grant without a user
    /// token (no user scopes asked) has an empty `access_token`.
    ///
    /// # Errors
    /// [`ChatError::Provider`] with Slack's code (`invalid_code`, `bad_client_secret`,
    /// `bad_redirect_uri`, …), [`ChatError::RateLimited`], [`ChatError::Transport`],
    /// [`ChatError::InvalidResponse`].
    pub async fn exchange(
        &self,
        http: &reqwest::Client,
        code: &str,
        redirect_uri: &str,
    ) -> Result<OAuthGrant, ChatError> {
        let method = "oauth.v2.access";
        let url = format!("{}/{method}", self.base_url.trim_end_matches('/'));
        let response = http
            .post(url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&[("code", code), ("redirect_uri", redirect_uri)])
            .send()
            .await
            .map_err(error::transport)?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(ChatError::RateLimited {
                retry_after: error::retry_after(response.headers()),
            });
        }
        if status.is_server_error() {
            return Err(error::server_error(method, status, response.headers()));
        }
        let body = response.bytes().await.map_err(error::transport)?;
        let access: Access = decode(method, status, &body).map_err(|e| match e {
            // Here `invalid_auth`-like codes are about the app, not a user token.
            ChatError::Unauthorized { reason } => {
                ChatError::Provider { code: reason, message: format!("{method} failed") }
            }
            other => other,
        })?;
        let team = access.team.unwrap_or(Team { id: String::new(), name: String::new() });
        Ok(OAuthGrant {
            access_token: access.authed_user.access_token.unwrap_or_default(),
            user_id: access.authed_user.id,
            scopes: access.authed_user.scope,
            team_id: team.id,
            team_name: team.name,
        })
    }
}
