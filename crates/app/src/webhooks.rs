//! The webhook sender over reqwest, and the webhook policy from configuration.
//!
//! Unless `webhooks.allow_private_networks`, the client resolves names to public addresses only
//! (the chat client's resolver), so a URL checked when it was saved cannot later be pointed at
//! loopback, a private network or a metadata service by DNS. Redirects are never followed: a
//! receiver answers, or the attempt failed.

use std::sync::Arc;
use std::time::Duration;

use switchboard_ports::{OutgoingWebhook, WebhookResponse, WebhookSender};
use switchboard_services::WebhookPolicy;

use crate::config::WebhooksConfig;
use crate::error::AppError;

/// POSTs deliveries with one shared client.
#[derive(Debug, Clone)]
pub struct HttpWebhookSender {
    http: reqwest::Client,
}

impl HttpWebhookSender {
    /// The sender for `config`.
    ///
    /// # Errors
    /// [`AppError::Command`] when the HTTP client cannot be built.
    pub fn new(config: &WebhooksConfig) -> Result<Self, AppError> {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Switchboard-Webhooks/", env!("CARGO_PKG_VERSION")));
        let builder = if config.allow_private_networks {
            builder
        } else {
            builder.dns_resolver(Arc::new(crate::chat::PublicOnly))
        };
        let http = builder
            .build()
            .map_err(|e| AppError::Command(format!("cannot build the webhook HTTP client: {e}")))?;
        Ok(Self { http })
    }
}

impl WebhookSender for HttpWebhookSender {
    async fn send(&self, request: OutgoingWebhook, timeout: Duration) -> WebhookResponse {
        let mut call = self
            .http
            .post(&request.url)
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in &request.headers {
            call = call.header(name.as_str(), value.as_str());
        }
        match call.body(request.body).send().await {
            Ok(response) => WebhookResponse::Status(response.status().as_u16()),
            // The error names the URL and the cause, never a header: no secret in it.
            Err(e) if e.is_timeout() => WebhookResponse::Failed("no answer in time".to_owned()),
            Err(e) if e.is_connect() => {
                WebhookResponse::Failed(format!("cannot connect: {}", root_cause(&e)))
            }
            Err(e) => WebhookResponse::Failed(root_cause(&e)),
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The webhook policy from configuration.
pub fn policy(config: &WebhooksConfig) -> WebhookPolicy {
    WebhookPolicy {
        allow_http: config.allow_http,
        allow_private_networks: config.allow_private_networks,
        retry_base: Duration::from_secs(config.retry_base_secs.max(1)),
        retry_max: Duration::from_secs(config.retry_max_secs.max(1)),
        retry_window: Duration::from_secs(config.retry_window_secs),
        disable_after: Duration::from_secs(config.disable_after_secs),
        request_timeout: Duration::from_secs(config.request_timeout_secs.max(1)),
        ..WebhookPolicy::default()
    }
}
