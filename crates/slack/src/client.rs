//! One Web API call: `POST {base_url}/{method}` with a form body and the token as a bearer
//! header, 429s retried within the [`RetryPolicy`] (the ports' shared loop), the answer
//! checked for `ok`.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use switchboard_ports::{ChatError, RateGate, RetryPolicy, Try, with_retries};

use crate::error;
use crate::wire::Status;

/// How to reach Slack and how hard to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlackConfig {
    /// The Web API base, without the method (`https://slack.com/api`).
    pub base_url: String,
    /// What to do on 429.
    pub retry: RetryPolicy,
    /// Messages per `conversations.history` page (Slack allows 999 and advises at most 200).
    pub page_size: u32,
    /// Messages per `conversations.history` page of a listing, which reads no thread
    /// (Slack allows 999).
    pub listing_page_size: u32,
    /// `conversations.replies` calls in flight at once while reading a page's threads (at
    /// least 1). Every call still goes through the [`RetryPolicy`].
    pub thread_concurrency: usize,
    /// How far before `since` a change scan re-reads history, to see edits and new replies of
    /// recent messages (Slack has no change list; see the crate docs).
    pub change_lookback: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl SlackConfig {
    /// The real Slack Web API.
    pub const DEFAULT_BASE_URL: &str = "https://slack.com/api";

    /// Defaults for the API at `base_url`: retries as [`RetryPolicy::default`], pages of
    /// 200 (999 for a listing), 4 thread reads at once, a day of lookback, 30 s per request.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            retry: RetryPolicy::default(),
            page_size: 200,
            listing_page_size: 999,
            thread_concurrency: 4,
            change_lookback: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(30),
        }
    }
}

/// An authenticated Web API client for one token. Clones share a [`RateGate`]: a 429 seen by
/// one call holds the others back.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    http: reqwest::Client,
    base_url: String,
    token: SecretString,
    retry: RetryPolicy,
    gate: RateGate,
}

impl Client {
    pub(crate) fn new(http: reqwest::Client, config: &SlackConfig, token: SecretString) -> Self {
        Self {
            http,
            base_url: config.base_url.trim_end_matches('/').to_owned(),
            token,
            retry: config.retry,
            gate: RateGate::new(),
        }
    }

    /// Calls `method` with `args`; the answer's fields besides `ok`.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        args: &[(&str, &str)],
    ) -> Result<T, ChatError> {
        let url = format!("{}/{method}", self.base_url);
        let url = url.as_str();
        let attempts = &crate::metrics::CALLS.attempts();
        let send = || async move {
            let started = attempts.start(method);
            let response = self
                .http
                .post(url)
                .bearer_auth(self.token.expose_secret())
                .form(args)
                .send()
                .await
                .inspect_err(|_| crate::metrics::CALLS.record(method, "transport", started))
                .map_err(error::transport)?;
            crate::metrics::CALLS.record(
                method,
                crate::metrics::outcome(response.status().as_u16()),
                started,
            );
            if response.status() != StatusCode::TOO_MANY_REQUESTS {
                return Ok(Try::Answer(response));
            }
            let retry_after = error::retry_after(response.headers());
            tracing::debug!(method, ?retry_after, "slack: rate limited");
            Ok(Try::Throttled(retry_after))
        };
        let response = with_retries(&self.retry, &self.gate, tokio::time::sleep, send).await?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Err(ChatError::Unauthorized { reason: "HTTP 401".to_owned() });
        }
        if status.is_server_error() {
            return Err(error::server_error(method, status, response.headers()));
        }
        let body = response.bytes().await.map_err(error::transport)?;
        decode(method, status, &body)
    }
}

pub(crate) fn decode<T: DeserializeOwned>(
    method: &str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, ChatError> {
    let invalid =
        |e: serde_json::Error| ChatError::InvalidResponse(format!("{method} (HTTP {status}): {e}"));
    let head: Status = serde_json::from_slice(body).map_err(invalid)?;
    if !head.ok {
        return Err(error::from_status(head, method));
    }
    serde_json::from_slice(body).map_err(invalid)
}
