//! The chat-source factory over the provider crates: one HTTP client (and its connection
//! pool) shared by every source, built once from configuration.

use std::time::Duration;

use secrecy::SecretString;
use switchboard_domain::chat::ChatProvider;
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_ports::{ChatError, ChatSourceFactory, EitherSource};
use switchboard_services::ChatPolicy;
use switchboard_slack::{SlackConfig, SlackSource};

use crate::config::ChatConfig;
use crate::error::AppError;

/// Builds Slack and Mattermost sources sharing one HTTP client.
#[derive(Debug, Clone)]
pub struct ProviderSources {
    http: reqwest::Client,
    slack: SlackConfig,
    mattermost: MattermostConfig,
    mattermost_default: Option<String>,
}

impl ProviderSources {
    /// The factory for `config`.
    ///
    /// # Errors
    /// [`AppError::Command`] when the HTTP client cannot be built.
    pub fn new(config: &ChatConfig) -> Result<Self, AppError> {
        let timeout = Duration::from_secs(config.request_timeout_secs.max(1));
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| AppError::Command(format!("cannot build the chat HTTP client: {e}")))?;
        let mut slack = SlackConfig::new(config.slack_base_url.clone());
        slack.timeout = timeout;
        let mut mattermost = MattermostConfig::new(config.mattermost_base_url.clone());
        mattermost.timeout = timeout;
        let default = config.mattermost_base_url.trim();
        Ok(Self {
            http,
            slack,
            mattermost,
            mattermost_default: (!default.is_empty()).then(|| default.to_owned()),
        })
    }
}

impl ChatSourceFactory for ProviderSources {
    type Source = EitherSource<SlackSource, MattermostSource>;

    fn default_base_url(&self, provider: ChatProvider) -> Option<String> {
        match provider {
            ChatProvider::Slack => Some(self.slack.base_url.clone()),
            ChatProvider::Mattermost => self.mattermost_default.clone(),
        }
    }

    fn source(
        &self,
        provider: ChatProvider,
        base_url: &str,
        token: &str,
    ) -> Result<Self::Source, ChatError> {
        let token = SecretString::from(token.to_owned());
        Ok(match provider {
            ChatProvider::Slack => {
                let config = SlackConfig { base_url: base_url.to_owned(), ..self.slack.clone() };
                EitherSource::Left(SlackSource::with_client(self.http.clone(), &config, token))
            }
            ChatProvider::Mattermost => {
                let config =
                    MattermostConfig { base_url: base_url.to_owned(), ..self.mattermost.clone() };
                EitherSource::Right(MattermostSource::with_client(
                    self.http.clone(),
                    &config,
                    token,
                ))
            }
        })
    }
}

/// The chat policy from configuration.
pub fn policy(config: &ChatConfig) -> ChatPolicy {
    ChatPolicy {
        backfill_days: config.backfill_days,
        allow_private_networks: config.allow_private_networks,
        change_margin: Duration::from_secs(config.change_margin_secs),
        reconcile_window: Duration::from_secs(config.reconcile_hours.saturating_mul(3600)),
    }
}
