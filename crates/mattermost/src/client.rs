//! One API v4 call: `{base_url}/api/v4/{path}` with the token as a bearer header, 429s
//! retried within the [`RetryPolicy`] (the ports' shared loop), failures read as `AppError`s.

use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use switchboard_ports::{ChatError, RateGate, RetryPolicy, Try, with_retries};

use crate::error;

/// How to reach a Mattermost server and how hard to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MattermostConfig {
    /// The server's URL, without `/api/v4` (`https://chat.example.org`).
    pub base_url: String,
    /// What to do on 429.
    pub retry: RetryPolicy,
    /// Posts per page of a backfill (Mattermost allows at most 200).
    pub page_size: u32,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl MattermostConfig {
    /// Defaults for the server at `base_url`: retries as [`RetryPolicy::default`], pages of
    /// 200, 30 s per request.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            retry: RetryPolicy::default(),
            page_size: 200,
            timeout: Duration::from_secs(30),
        }
    }
}

/// An authenticated API v4 client for one token. Clones share a [`RateGate`]: a 429 seen by
/// one call holds the others back.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    http: reqwest::Client,
    api: String,
    token: SecretString,
    retry: RetryPolicy,
    gate: RateGate,
}

impl Client {
    pub(crate) fn new(
        http: reqwest::Client,
        config: &MattermostConfig,
        token: SecretString,
    ) -> Self {
        let api = format!("{}/api/v4", config.base_url.trim_end_matches('/'));
        Self { http, api, token, retry: config.retry, gate: RateGate::new() }
    }

    /// `GET {path}?{query}`.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ChatError> {
        let url = format!("{}/{path}", self.api);
        self.send(path, || self.http.get(&url).query(query)).await
    }

    /// `POST {path}` with a JSON body.
    pub(crate) async fn post<T: DeserializeOwned, B: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ChatError> {
        let url = format!("{}/{path}", self.api);
        let body = serde_json::to_vec(body).map_err(|e| ChatError::Transport(e.to_string()))?;
        self.send(path, || {
            self.http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        })
        .await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        path: &str,
        request: impl Fn() -> RequestBuilder,
    ) -> Result<T, ChatError> {
        let request = &request;
        let operation = &operation(path);
        let attempts = &crate::metrics::CALLS.attempts();
        let send = || async move {
            let started = attempts.start(operation);
            let response = request()
                .bearer_auth(self.token.expose_secret())
                .send()
                .await
                .inspect_err(|_| crate::metrics::CALLS.record(operation, "transport", started))
                .map_err(error::transport)?;
            crate::metrics::CALLS.record(
                operation,
                crate::metrics::outcome(response.status().as_u16()),
                started,
            );
            if response.status() != StatusCode::TOO_MANY_REQUESTS {
                return Ok(Try::Answer(response));
            }
            let retry_after = error::retry_after(response.headers());
            tracing::debug!(path, ?retry_after, "mattermost: rate limited");
            Ok(Try::Throttled(retry_after))
        };
        let response = with_retries(&self.retry, &self.gate, tokio::time::sleep, send).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(error::transport)?;
        if !status.is_success() {
            return Err(error::from_response(status, &headers, &body, path));
        }
        serde_json::from_slice(&body)
            .map_err(|e| ChatError::InvalidResponse(format!("{path}: {e}")))
    }
}

/// A path as a bounded metrics label: Mattermost ids (26 lowercase letters and digits) become
/// `{id}`.
fn operation(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let id = segment.len() == 26
                && segment.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if id { "{id}" } else { segment }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod operation_tests {
    #[test]
    fn ids_in_a_path_become_a_placeholder() {
        assert_eq!(
            super::operation("channels/4xp9fdt7pbgium38k5k6w95oex/posts"),
            "channels/{id}/posts"
        );
        assert_eq!(super::operation("users/me/teams"), "users/me/teams");
    }
}
