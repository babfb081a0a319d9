//! One Gmail call, as every call of a source makes it: a slot of the mailbox's budget held
//! while it runs, the per-request timeout google-gmail1 lacks, quota answers retried within
//! the [`RetryPolicy`] (the ports' shared loop; the crate's default delegate never retries,
//! and ours only watches), and a refusal mapped to [`MailError`] once.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use google_gmail1::Gmail;
use google_gmail1::common::Response;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use switchboard_ports::mail::MailError;
use switchboard_ports::{MailboxLimit, RateGate, RetryPolicy, Try, retrying};

use crate::error::{self, Failure, Observe};

/// The hub over our HTTPS (or, in sandbox builds, plain http) connector.
pub(crate) type Hub = Gmail<HttpsConnector<HttpConnector>>;

/// A call's future, borrowing the hub and the delegate.
pub(crate) type CallFuture<'h, T> =
    Pin<Box<dyn Future<Output = google_gmail1::Result<(Response, T)>> + Send + 'h>>;

/// The calls of one source: one mailbox, one token (inside the hub).
#[derive(Clone)]
pub(crate) struct Api {
    pub hub: Hub,
    pub retry: RetryPolicy,
    pub gate: RateGate,
    pub limit: MailboxLimit,
    pub timeout: Duration,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("retry", &self.retry)
            .field("limit", &self.limit)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Api {
    /// Runs the call `make` builds (again on each retry); `what` names the object for a 404.
    pub(crate) async fn call<T>(
        &self,
        what: &str,
        make: impl for<'h> Fn(&'h Hub, &'h mut Observe) -> CallFuture<'h, T>,
    ) -> Result<T, MailError> {
        self.call_or_reread(what, make, |_| None).await
    }

    /// [`Api::call`], with `reread` given the body when google-gmail1 cannot decode it (its
    /// base64 decoding wants canonical padding; Gmail's `data` fields do not always have it).
    pub(crate) async fn call_or_reread<T>(
        &self,
        what: &str,
        make: impl for<'h> Fn(&'h Hub, &'h mut Observe) -> CallFuture<'h, T>,
        reread: impl Fn(&str) -> Option<T>,
    ) -> Result<T, MailError> {
        let make = &make;
        let reread = &reread;
        let operation = operation(what);
        let attempts = &crate::metrics::CALLS.attempts();
        let call = || async move {
            let _permit = self.limit.acquire().await;
            let started = attempts.start(operation);
            let mut seen = Observe::default();
            let answer = tokio::time::timeout(self.timeout, make(&self.hub, &mut seen)).await;
            let failure = match answer {
                Ok(Ok((response, value))) => {
                    crate::metrics::CALLS.record(
                        operation,
                        crate::metrics::outcome(response.status().as_u16()),
                        started,
                    );
                    return Ok(Try::Answer(value));
                }
                Ok(Err(e)) => {
                    let failure = error::classify(e, &seen, what);
                    let outcome = match &failure {
                        Failure::Retry(_) => "rate_limited",
                        Failure::Undecodable(_) => "ok",
                        Failure::Error(_) => "error",
                    };
                    crate::metrics::CALLS.record(operation, outcome, started);
                    failure
                }
                Err(_) => {
                    crate::metrics::CALLS.record(operation, "timeout", started);
                    return Err(error::timed_out(what));
                }
            };
            match failure {
                Failure::Retry(wait) => {
                    tracing::debug!(what, ?wait, "gmail: throttled");
                    Ok(Try::Throttled(wait))
                }
                Failure::Undecodable(body) => reread(&body).map(Try::Answer).ok_or_else(|| {
                    MailError::InvalidResponse(format!("{what}: not the documented JSON"))
                }),
                Failure::Error(e) => Err(e),
            }
        };
        retrying(&self.retry, &self.gate, tokio::time::sleep, call).await
    }
}

/// What a call is about, as a bounded metrics label: the first word of `what` ("message" of
/// "message 18c…").
fn operation(what: &str) -> &str {
    what.split_once(' ').map_or(what, |(first, _)| first)
}
