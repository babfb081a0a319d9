//! Sources for many mailboxes over one HTTP client (one connection pool, one TLS
//! configuration with the ring provider passed explicitly, so no process-wide default is
//! needed), each with its own token and its mailbox's request budget.

use std::sync::Arc;

use google_gmail1::Gmail;
use hyper_rustls::HttpsConnectorBuilder;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use switchboard_domain::mail::MailProvider;
use switchboard_ports::mail::MailError;
use switchboard_ports::{MailSourceFactory, MailboxLimit, MailboxLimits, RateGate};

use crate::api::Api;
use crate::config::{EndpointError, GmailConfig};
use crate::source::GmailSource;

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// Builds a [`GmailSource`] from an access token, sharing one HTTP client. Clones share the
/// client and the mailboxes' budgets.
#[derive(Clone)]
pub struct GmailSources {
    client: Client<Connector, google_gmail1::common::Body>,
    base_url: String,
    root_url: String,
    config: GmailConfig,
    limits: Arc<MailboxLimits>,
}

impl std::fmt::Debug for GmailSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GmailSources").field("config", &self.config).finish_non_exhaustive()
    }
}

impl GmailSources {
    /// A factory for Gmail at `config.base_url` and `config.root_url`.
    ///
    /// # Errors
    /// [`EndpointError`] for a URL this build refuses, or when TLS cannot be set up.
    pub fn new(config: GmailConfig) -> Result<Self, EndpointError> {
        let (base_url, root_url) = config.urls()?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| EndpointError::Client(e.to_string()))?;
        // Plain http is reachable only when the config allowed it (sandbox builds).
        let builder = if base_url.starts_with("http:") || root_url.starts_with("http:") {
            builder.https_or_http()
        } else {
            builder.https_only()
        };
        let connector = builder.enable_http1().enable_http2().build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        let limits = Arc::new(MailboxLimits::new(config.max_in_flight));
        Ok(Self { client, base_url, root_url, config, limits })
    }

    /// A source for the mailbox `access_token` reaches, with a budget of its own (the port's
    /// [`MailSourceFactory::source`] shares the mailbox's budget instead).
    pub fn standalone(&self, access_token: &str) -> GmailSource {
        self.source_with_limit(access_token, MailboxLimit::new(self.config.max_in_flight))
    }

    /// A source sharing `limit` with the mailbox's other sources.
    pub fn source_with_limit(&self, access_token: &str, limit: MailboxLimit) -> GmailSource {
        // google-gmail1 asks its `GetToken` before each request; a `String` answers itself.
        // A refreshed token means a new source (the port's rule), so nothing refreshes here.
        let mut hub = Gmail::new(self.client.clone(), access_token.to_owned());
        hub.base_url(self.base_url.clone());
        hub.root_url(self.root_url.clone());
        let api = Api {
            hub,
            retry: self.config.retry,
            gate: RateGate::new(),
            limit,
            timeout: self.config.timeout,
        };
        GmailSource::new(api, self.config.page_size)
    }
}

impl MailSourceFactory for GmailSources {
    type Source = GmailSource;

    /// A source for `mailbox` sharing its budget with every other source of that mailbox
    /// still in use. Only Google mailboxes: Microsoft's answer `not_configured`.
    fn source(
        &self,
        provider: MailProvider,
        mailbox: &str,
        access_token: &str,
    ) -> Result<GmailSource, MailError> {
        match provider {
            MailProvider::Google => {
                Ok(self.source_with_limit(access_token, self.limits.for_mailbox(mailbox)))
            }
            other => Err(MailError::Provider {
                code: "not_configured".to_owned(),
                message: format!("no {other} client is configured"),
            }),
        }
    }
}
