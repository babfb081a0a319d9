//! The chat-source factory over the provider crates: one HTTP client (and its connection
//! pool) shared by every source, built once from configuration.
//!
//! Unless `chat.allow_private_networks`, that client resolves names to public addresses only
//! and checks every redirect's target with the same guard before following it: a provider URL
//! checked when the source was connected cannot later be pointed (DNS rebinding, a redirect)
//! at loopback, a private network or a cloud metadata service. A refused redirect fails the
//! request as a transport error, which connecting a source reports as a 422 on `base_url`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use switchboard_domain::chat::ChatProvider;
use switchboard_domain::chat_events::{ChatDelivery, SignedDelivery};
use switchboard_mattermost::{MattermostConfig, MattermostSource};
use switchboard_ports::{ChatError, ChatSourceFactory, DeliveryError, EitherSource};
use switchboard_services::ChatPolicy;
use switchboard_services::SlackOAuthPolicy;
use switchboard_services::chat::network;
use switchboard_slack::{SlackConfig, SlackOAuthClient, SlackSource};

use crate::config::ChatConfig;
use crate::error::AppError;

/// Builds Slack and Mattermost sources sharing one HTTP client.
#[derive(Debug, Clone)]
pub struct ProviderSources {
    http: reqwest::Client,
    slack: SlackConfig,
    mattermost: MattermostConfig,
    mattermost_default: Option<String>,
    slack_oauth: Option<SlackOAuthClient>,
    /// The Slack app's signing secret; `None`: Slack events are refused.
    slack_signing_secret: Option<SecretString>,
}

impl ProviderSources {
    /// The factory for `config`.
    ///
    /// # Errors
    /// [`AppError::Command`] when the HTTP client cannot be built.
    pub fn new(config: &ChatConfig) -> Result<Self, AppError> {
        let timeout = Duration::from_secs(config.request_timeout_secs.max(1));
        let http = client_builder(config)
            .build()
            .map_err(|e| AppError::Command(format!("cannot build the chat HTTP client: {e}")))?;
        let mut slack = SlackConfig::new(config.slack_base_url.clone());
        slack.timeout = timeout;
        slack.thread_concurrency = config.thread_concurrency.max(1);
        let mut mattermost = MattermostConfig::new(config.mattermost_base_url.clone());
        mattermost.timeout = timeout;
        let default = config.mattermost_base_url.trim();
        let oauth = &config.slack_oauth;
        let slack_oauth = (!oauth.client_id.is_empty()).then(|| SlackOAuthClient {
            base_url: config.slack_base_url.clone(),
            client_id: oauth.client_id.clone(),
            client_secret: oauth.client_secret.clone(),
        });
        Ok(Self {
            http,
            slack,
            mattermost,
            mattermost_default: (!default.is_empty()).then(|| default.to_owned()),
            slack_oauth,
            slack_signing_secret: (!config.slack_signing_secret.expose_secret().is_empty())
                .then(|| config.slack_signing_secret.clone()),
        })
    }
}

impl ChatSourceFactory for ProviderSources {
    type Source = EitherSource<SlackSource, MattermostSource>;

    async fn resolve(&self, host: &str, port: u16) -> Result<Vec<std::net::IpAddr>, ChatError> {
        let addresses = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| ChatError::Transport(format!("{host} does not resolve: {e}")))?;
        Ok(addresses.map(|a| a.ip()).collect())
    }

    async fn exchange_oauth_code(
        &self,
        provider: ChatProvider,
        code: &str,
        redirect_uri: &str,
    ) -> Result<switchboard_ports::OAuthGrant, ChatError> {
        match (provider, &self.slack_oauth) {
            (ChatProvider::Slack, Some(client)) => {
                client.exchange(&self.http, code, redirect_uri).await
            }
            _ => Err(ChatError::Provider {
                code: "oauth_unsupported".to_owned(),
                message: format!("no OAuth client is configured for {provider}"),
            }),
        }
    }

    fn open_delivery(
        &self,
        provider: ChatProvider,
        delivery: SignedDelivery<'_>,
        now: DateTime<Utc>,
    ) -> Result<ChatDelivery, DeliveryError> {
        match (provider, &self.slack_signing_secret) {
            (ChatProvider::Slack, Some(secret)) => {
                switchboard_slack::events::open(secret, delivery, now)
            }
            _ => Err(DeliveryError::NotConfigured(provider.to_string())),
        }
    }

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

/// The HTTP client every source shares, before it is built: rustls (see [`crate::tls`]), the
/// request timeout, and unless private networks are allowed, public addresses only and
/// redirects followed only where the guard allows.
pub fn client_builder(config: &ChatConfig) -> reqwest::ClientBuilder {
    let timeout = Duration::from_secs(config.request_timeout_secs.max(1));
    let builder = reqwest::Client::builder().timeout(timeout);
    if config.allow_private_networks {
        builder
    } else {
        builder.dns_resolver(Arc::new(PublicOnly)).redirect(guarded_redirects())
    }
}

/// The most redirects followed for one request (reqwest's default is 10; a provider needs one,
/// from `http` to `https` or to its canonical host).
const MAX_REDIRECTS: usize = 5;

/// Follows a redirect only to a target [`network::check_redirect`] allows (a name's addresses
/// are then kept public by [`PublicOnly`]). reqwest drops `Authorization` on a redirect to
/// another host, so the token goes nowhere but where the user pointed it.
fn guarded_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        match network::check_redirect(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    })
}

/// Resolves names to their public addresses only.
#[derive(Debug)]
pub(crate) struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> =
                found.into_iter().filter(|a| network::is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Slack OAuth settings from configuration; `None` (off) without a client id.
pub fn slack_oauth_policy(config: &ChatConfig) -> Option<SlackOAuthPolicy> {
    let oauth = &config.slack_oauth;
    (!oauth.client_id.is_empty()).then(|| SlackOAuthPolicy {
        client_id: oauth.client_id.clone(),
        authorize_url: oauth.authorize_url.clone(),
        redirect_uri: oauth.redirect_uri.clone(),
        user_scopes: oauth.user_scopes.clone(),
        bot_scopes: oauth.bot_scopes.clone(),
        state_ttl: Duration::from_secs(oauth.state_ttl_secs.max(1)),
    })
}

/// The chat policy from configuration.
pub fn policy(config: &ChatConfig) -> ChatPolicy {
    ChatPolicy {
        backfill_days: config.backfill_days,
        allow_private_networks: config.allow_private_networks,
        change_margin: Duration::from_secs(config.change_margin_secs),
        reconcile_window: Duration::from_secs(config.reconcile_hours.saturating_mul(3600)),
        channel_concurrency: config.channel_concurrency.max(1),
        thread_concurrency: config.thread_concurrency.max(1),
        page_cache_bytes: config.page_cache_mb.saturating_mul(1024 * 1024),
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

    use switchboard_ports::{ChatError, ChatSource};
    use switchboard_sandbox::{MATTERMOST_TOKEN, Sandbox};

    use super::*;

    #[tokio::test]
    async fn without_private_networks_the_client_reaches_no_loopback_name() {
        let sandbox =
            Sandbox::builder().posts_per_channel(10).build().start_local().expect("starts");
        let url = format!("http://localhost:{}/mattermost", sandbox.addr().port());
        let mut config = ChatConfig {
            slack_base_url: "https://slack.example".into(),
            ..ChatConfig::for_tests()
        };
        let allowed = ProviderSources::new(&config).unwrap();
        let source = allowed.source(ChatProvider::Mattermost, &url, MATTERMOST_TOKEN).unwrap();
        assert!(source.identity().await.is_ok());
        config.allow_private_networks = false;
        let guarded = ProviderSources::new(&config).unwrap();
        let source = guarded.source(ChatProvider::Mattermost, &url, MATTERMOST_TOKEN).unwrap();
        let err = source.identity().await.unwrap_err();
        assert!(matches!(err, ChatError::Transport(_)), "{err:?}");
    }

    /// A server on loopback that answers every request with a redirect to `location`.
    async fn redirecting_to(location: String) -> SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
                     Connection: close\r\n\r\n"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            }
        });
        addr
    }

    /// The guard treats the first server as the public one a user named (connecting checks
    /// `base_url` itself; a literal address is not resolved by the client), and it redirects to
    /// another loopback server: the redirect is refused before that server hears anything, and
    /// connecting reports it as a 422 on `base_url`, not a provider failure.
    #[tokio::test]
    async fn a_redirect_to_loopback_is_refused_and_answered_as_a_bad_base_url() {
        use actix_web::ResponseError;
        use futures_util::FutureExt;

        let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = target.local_addr().unwrap().port();
        let config = ChatConfig {
            slack_base_url: "https://slack.example".into(),
            allow_private_networks: false,
            ..ChatConfig::for_tests()
        };
        let guarded = ProviderSources::new(&config).unwrap();
        for location in [
            format!("http://127.0.0.1:{port}/api/v4/users/me"),
            format!("http://localhost:{port}/api/v4/users/me"),
            "http://169.254.169.254/latest/meta-data".to_owned(),
        ] {
            let public = redirecting_to(location.clone()).await;
            let url = format!("http://{public}");
            let source = guarded.source(ChatProvider::Mattermost, &url, MATTERMOST_TOKEN).unwrap();
            let err = source.identity().await.unwrap_err();
            assert!(matches!(&err, ChatError::Transport(m) if m.contains("address")), "{err:?}");
            let api = switchboard_http::ApiError::from(
                switchboard_services::ChatServiceError::connecting(err),
            );
            assert_eq!(api.status_code().as_u16(), 422, "{location}: {api:?}");
            assert_eq!(api.body().1[0].field, "base_url", "{location}");
        }
        assert!(target.accept().now_or_never().is_none(), "nothing reached the loopback target");
    }
}
