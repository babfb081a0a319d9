//! One Graph request, as every call of a source makes it: a slot of the mailbox's budget,
//! the source's token and `Prefer: IdType="ImmutableId"` on the request itself (graph-rs-sdk
//! keeps per-request headers only for the first page of its own paging, so links are
//! followed here, verbatim, each as a request of its own), 429 and 503 retried within the
//! [`RetryPolicy`] (the ports' shared loop; graph-rs-sdk's own waits without limit and not
//! while paging), and a refusal mapped to [`MailError`] before anyone reads the body.

use graph_http::api_impl::RequestHandler;
use graph_rs_sdk::GraphClient;
use graph_rs_sdk::header::{AUTHORIZATION, HeaderName, HeaderValue};
use graph_rs_sdk::http::Method;
use serde::de::DeserializeOwned;
use switchboard_ports::mail::MailError;
use switchboard_ports::{RateGate, RetryPolicy, Try, retrying};
use url::Url;

use crate::config::Endpoint;
use crate::error;
use crate::wire::Page;
use switchboard_ports::MailboxLimit;
use switchboard_ports::mail_limit::Permit;

const PREFER: HeaderName = HeaderName::from_static("prefer");

/// Ids that survive moves between folders, asked on every request.
const IMMUTABLE_ID: &str = r#"IdType="ImmutableId""#;

/// An answer that is a success, with the slot it holds until its body is read.
pub(crate) struct Answer {
    pub response: reqwest_graph::Response,
    pub permit: Permit,
}

/// The requests of one source: one mailbox, one token.
#[derive(Clone)]
pub(crate) struct Graph {
    /// Shared by every source of a factory (one connection pool). It carries no token: each
    /// request sets its own `Authorization`, which replaces the empty one graph-rs-sdk adds
    /// (reqwest's `RequestBuilder::headers` replaces a header it is given).
    pub client: GraphClient,
    pub endpoint: Endpoint,
    /// `Bearer …`, marked sensitive so no `Debug` prints it.
    pub authorization: HeaderValue,
    pub retry: RetryPolicy,
    pub gate: RateGate,
    pub limit: MailboxLimit,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("endpoint", &self.endpoint.url.as_str())
            .field("retry", &self.retry)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl Graph {
    /// Sends the request `build` makes (again on each retry); `what` names the object for a
    /// 404, `prefer` adds preferences (`odata.maxpagesize=…`).
    pub(crate) async fn send(
        &self,
        what: &str,
        prefer: &[&str],
        build: impl Fn(&GraphClient) -> RequestHandler,
    ) -> Result<Answer, MailError> {
        let prefer = std::iter::once(IMMUTABLE_ID).chain(prefer.iter().copied());
        let prefer = HeaderValue::from_str(&prefer.collect::<Vec<_>>().join(", "))
            .map_err(|e| MailError::InvalidResponse(format!("Prefer header: {e}")))?;
        let build = &build;
        let prefer = &prefer;
        let operation = operation(what);
        let attempts = &crate::metrics::CALLS.attempts();
        let call = || async move {
            let permit = self.limit.acquire().await;
            let started = attempts.start(operation);
            let request = build(&self.client)
                .header(AUTHORIZATION, self.authorization.clone())
                .header(PREFER, prefer.clone());
            let response = request
                .send()
                .await
                .inspect_err(|_| crate::metrics::CALLS.record(operation, "transport", started))
                .map_err(error::from_failure)?;
            let status = response.status().as_u16();
            let outcome =
                if status == 503 { "rate_limited" } else { crate::metrics::outcome(status) };
            crate::metrics::CALLS.record(operation, outcome, started);
            if status == 429 || status == 503 {
                let retry_after = error::retry_after(response.headers());
                tracing::debug!(what, status, ?retry_after, "graph: throttled");
                return Ok(Try::Throttled(retry_after));
            }
            Ok(Try::Answer(Answer { response, permit }))
        };
        let answer = retrying(&self.retry, &self.gate, tokio::time::sleep, call).await?;
        let status = answer.response.status();
        if status.is_success() {
            return Ok(answer);
        }
        let body = answer.response.bytes().await.map_err(error::transport)?;
        Err(error::from_answer(status.as_u16(), &body, what))
    }

    /// [`Graph::send`], the answer read as JSON.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        what: &str,
        prefer: &[&str],
        build: impl Fn(&GraphClient) -> RequestHandler,
    ) -> Result<T, MailError> {
        let Answer { response, permit } = self.send(what, prefer, build).await?;
        let body = response.bytes().await.map_err(error::transport)?;
        drop(permit);
        serde_json::from_slice(&body)
            .map_err(|e| MailError::InvalidResponse(format!("{what}: {e}")))
    }

    /// [`Graph::send`] for an answer whose body does not matter (read, so the connection can
    /// serve the next request).
    pub(crate) async fn done(
        &self,
        what: &str,
        build: impl Fn(&GraphClient) -> RequestHandler,
    ) -> Result<(), MailError> {
        let Answer { response, permit } = self.send(what, &[], build).await?;
        response.bytes().await.map_err(error::transport)?;
        drop(permit);
        Ok(())
    }

    /// `GET` a next or delta link as Graph gave it.
    pub(crate) async fn follow<T: DeserializeOwned>(
        &self,
        what: &str,
        prefer: &[&str],
        link: &Url,
    ) -> Result<T, MailError> {
        self.json(what, prefer, |client| {
            let mut request = client.custom(Method::GET, None);
            *request.as_mut() = link.clone();
            request
        })
        .await
    }

    /// The items of `first` and of every page after it (`@odata.nextLink`).
    pub(crate) async fn all_pages<T: DeserializeOwned>(
        &self,
        what: &str,
        first: Page<T>,
    ) -> Result<Vec<T>, MailError> {
        let Page { value: mut items, mut next_link, .. } = first;
        while let Some(next) = next_link {
            let mut page: Page<T> = self.follow(what, &[], &self.link(&next)?).await?;
            items.append(&mut page.value);
            next_link = page.next_link;
        }
        Ok(items)
    }

    /// A stored link, checked to point under the base URL: the token goes nowhere else.
    pub(crate) fn link(&self, link: &str) -> Result<Url, MailError> {
        Url::parse(link)
            .ok()
            .filter(|url| self.endpoint.owns(url))
            .ok_or_else(|| MailError::InvalidResponse(format!("not a link of this Graph: {link}")))
    }
}

/// What a request is about, as a bounded metrics label: the first word of `what` ("message"
/// of "message AAMk…"), or all of it when it is a phrase without an id ("the signed-in user").
fn operation(what: &str) -> &str {
    match what.split_once(' ') {
        Some((first, _)) if !matches!(first, "a" | "an" | "the") => first,
        _ => what,
    }
}
