//! A sandbox serving HTTP.

use std::net::{SocketAddr, TcpListener};
use std::ops::Deref;

use actix_web::dev::ServerHandle;

use crate::{Sandbox, SandboxError, server};

/// A sandbox serving both fake providers (and its admin API) on one listener. Dereferences
/// to [`Sandbox`] for inspection, tokens, faults and changes. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningSandbox {
    sandbox: Sandbox,
    addr: SocketAddr,
    handle: ServerHandle,
}

impl Sandbox {
    /// Serves on `listener`. Must be called inside a Tokio runtime (`#[tokio::test]`,
    /// `#[tokio::main]`, `#[actix_web::main]`).
    ///
    /// # Errors
    /// The listener cannot be used, or there is no runtime.
    pub fn start(&self, listener: TcpListener) -> Result<RunningSandbox, SandboxError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| SandboxError::NoRuntime)?;
        let addr = listener.local_addr()?;
        self.store.set_origin(format!("http://{addr}"));
        let server = server::serve(self.clone(), listener)?;
        let handle = server.handle();
        runtime.spawn(server);
        Ok(RunningSandbox { sandbox: self.clone(), addr, handle })
    }

    /// Serves on `127.0.0.1` on a free port.
    ///
    /// # Errors
    /// As [`Sandbox::start`].
    pub fn start_local(&self) -> Result<RunningSandbox, SandboxError> {
        self.start(TcpListener::bind(("127.0.0.1", 0))?)
    }
}

impl RunningSandbox {
    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The Slack Web API base, without a trailing slash: methods are at
    /// `{slack_base_url}/{method}` (the real one is `https://slack.com/api`).
    pub fn slack_base_url(&self) -> String {
        format!("http://{}/slack/api", self.addr)
    }

    /// Slack's OAuth v2 authorization page (the real one is
    /// `https://slack.com/oauth/v2/authorize`).
    pub fn slack_authorize_url(&self) -> String {
        format!("http://{}/slack/oauth/v2/authorize", self.addr)
    }

    /// The Mattermost server URL, without a trailing slash: the API is at
    /// `{mattermost_base_url}/api/v4/...`.
    pub fn mattermost_base_url(&self) -> String {
        format!("http://{}/mattermost", self.addr)
    }

    /// The fake Microsoft identity platform's authority host, without a trailing slash:
    /// endpoints are at `{microsoft_login_base_url}/{tenant}/oauth2/v2.0/…` (the real one is
    /// `https://login.microsoftonline.com`).
    pub fn microsoft_login_base_url(&self) -> String {
        format!("http://{}/microsoft/login", self.addr)
    }

    /// The fake Microsoft Graph base, without a trailing slash (the real one is
    /// `https://graph.microsoft.com/v1.0`; the path is the builder's `graph_path`).
    pub fn graph_base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.store.graph_path)
    }

    /// The fake Google OAuth 2.0 server, without a trailing slash: the authorization endpoint
    /// is `{google_oauth_base_url}/o/oauth2/v2/auth` (the real one is
    /// `https://accounts.google.com/o/oauth2/v2/auth`), revocation `{…}/revoke`.
    pub fn google_oauth_base_url(&self) -> String {
        format!("http://{}/google/oauth", self.addr)
    }

    /// Google's token endpoint (the real one is `https://oauth2.googleapis.com/token`).
    pub fn google_token_url(&self) -> String {
        format!("{}/token", self.google_oauth_base_url())
    }

    /// The root the Gmail API is served under, with its trailing slash, as google-gmail1's
    /// hub takes it for `base_url` and `root_url` (the real one is
    /// `https://gmail.googleapis.com/`): methods are at `{gmail_base_url}gmail/v1/users/…`,
    /// uploads at `{gmail_base_url}upload/gmail/v1/users/…`.
    pub fn gmail_base_url(&self) -> String {
        format!("http://{}/google/", self.addr)
    }

    /// The sandbox's own admin API (`/_sandbox/...`, see the crate docs).
    pub fn admin_base_url(&self) -> String {
        format!("http://{}/_sandbox", self.addr)
    }

    /// Sends the queued Slack events to the Request URL, in order, each signed with the
    /// current time as Slack signs (see [`Sandbox::send_slack_events_to`]); returns the HTTP
    /// status of each answer.
    ///
    /// # Errors
    /// [`SandboxError::Delivery`] when the URL cannot be reached.
    pub async fn deliver_slack_events(&self) -> Result<Vec<u16>, SandboxError> {
        let (target, pending) = {
            let mut events = self.store.slack_events();
            (events.target.clone(), std::mem::take(&mut events.pending))
        };
        let Some((url, secret)) = target else { return Ok(Vec::new()) };
        let mut statuses = Vec::with_capacity(pending.len());
        for body in pending {
            statuses.push(send(&url, &secret, &body, None).await?);
            self.store.slack_events().last = Some(body);
        }
        Ok(statuses)
    }

    /// Sends the last Slack event delivered again, as Slack retries one it thinks failed
    /// (`X-Slack-Retry-Num: retry`, `X-Slack-Retry-Reason: http_timeout`), newly signed.
    /// `None` when nothing was delivered yet.
    ///
    /// # Errors
    /// [`SandboxError::Delivery`] when the URL cannot be reached.
    pub async fn redeliver_slack_event(&self, retry: u32) -> Result<Option<u16>, SandboxError> {
        let (target, last) = {
            let events = self.store.slack_events();
            (events.target.clone(), events.last.clone())
        };
        let (Some((url, secret)), Some(body)) = (target, last) else { return Ok(None) };
        Ok(Some(send(&url, &secret, &body, Some(retry)).await?))
    }

    /// Stops serving and waits for the workers to finish.
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

impl Deref for RunningSandbox {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        // The stop command is sent when `stop` is called; the returned future only waits.
        drop(self.handle.stop(false));
    }
}

async fn send(
    url: &str,
    secret: &str,
    body: &[u8],
    retry: Option<u32>,
) -> Result<u16, SandboxError> {
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = crate::slack::events::sign(secret, &timestamp, body);
    let mut request = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .header("X-Slack-Request-Timestamp", &timestamp)
        .header("X-Slack-Signature", signature)
        .body(body.to_vec());
    if let Some(retry) = retry {
        request = request
            .header("X-Slack-Retry-Num", retry.to_string())
            .header("X-Slack-Retry-Reason", "http_timeout");
    }
    let answer = request.send().await.map_err(|e| SandboxError::Delivery(e.to_string()))?;
    Ok(answer.status().as_u16())
}
