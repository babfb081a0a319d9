//! Sources for many mailboxes over one graph-rs-sdk client (one connection pool, one TLS
//! configuration), each with its own token and its mailbox's request budget.

use std::sync::Arc;

use graph_rs_sdk::header::HeaderValue;
use graph_rs_sdk::{GraphClient, GraphClientConfiguration};
use switchboard_domain::mail::MailProvider;
use switchboard_ports::mail::MailError;
use switchboard_ports::{MailSourceFactory, MailboxLimit, MailboxLimits, RateGate};

use crate::config::{Endpoint, EndpointError, GraphConfig};
use crate::request::Graph;
use crate::source::GraphSource;

/// Builds a [`GraphSource`] from an access token, sharing one HTTP client. Clones share the
/// client and the mailboxes' budgets.
#[derive(Debug, Clone)]
pub struct GraphSources {
    client: GraphClient,
    endpoint: Endpoint,
    config: GraphConfig,
    limits: Arc<MailboxLimits>,
}

impl GraphSources {
    /// A factory for Graph at `config.base_url`.
    ///
    /// Builds an HTTP client: with rustls, install the process's crypto provider first when
    /// more than one is compiled in (see the crate's README).
    ///
    /// # Errors
    /// [`EndpointError`] for a base URL this build refuses.
    pub fn new(config: GraphConfig) -> Result<Self, EndpointError> {
        let endpoint = config.endpoint()?;
        let settings = GraphClientConfiguration::new().timeout(config.timeout);
        #[cfg(feature = "sandbox")]
        let settings = settings.https_only(endpoint.url.scheme() == "https");
        let mut client = GraphClient::from(settings);
        #[cfg(feature = "sandbox")]
        if endpoint.test {
            client.use_test_endpoint(&endpoint.url);
        }
        if !endpoint.test {
            // Checked against the same allowlist by `GraphConfig::endpoint`, so no panic.
            client.use_endpoint(&endpoint.url);
        }
        let limits = Arc::new(MailboxLimits::new(config.max_in_flight));
        Ok(Self { client, endpoint, config, limits })
    }

    /// A source for the mailbox `access_token` reaches, with a budget of its own (the port's
    /// [`MailSourceFactory::source`] shares the mailbox's budget instead). A token that
    /// cannot be a header value (Microsoft never issues one) is sent as an invalid one, so the
    /// first call answers [`MailError::Unauthorized`](switchboard_ports::mail::MailError).
    pub fn standalone(&self, access_token: &str) -> GraphSource {
        self.source_with_limit(access_token, MailboxLimit::new(self.config.max_in_flight))
    }

    /// A source sharing `limit` with the mailbox's other sources (one made before a token
    /// refresh, say), so together they stay within Graph's concurrency limit.
    pub fn source_with_limit(&self, access_token: &str, limit: MailboxLimit) -> GraphSource {
        let mut authorization = HeaderValue::from_str(&format!("Bearer {access_token}"))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid-token"));
        authorization.set_sensitive(true);
        GraphSource::new(
            Graph {
                client: self.client.clone(),
                endpoint: self.endpoint.clone(),
                authorization,
                retry: self.config.retry,
                gate: RateGate::new(),
                limit,
            },
            self.config.page_size,
        )
    }
}

impl MailSourceFactory for GraphSources {
    type Source = GraphSource;

    /// A source for `mailbox` sharing its budget with every other source of that mailbox
    /// still in use. Only Microsoft mailboxes: Google's answer `not_configured`.
    fn source(
        &self,
        provider: MailProvider,
        mailbox: &str,
        access_token: &str,
    ) -> Result<GraphSource, MailError> {
        match provider {
            MailProvider::Microsoft => {
                Ok(self.source_with_limit(access_token, self.limits.for_mailbox(mailbox)))
            }
            other => Err(MailError::Provider {
                code: "not_configured".to_owned(),
                message: format!("no {other} client is configured"),
            }),
        }
    }
}
