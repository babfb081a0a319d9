//! Injected faults: "the next N requests (after the next K, which pass) answer 429 with
//! `Retry-After: S`", and "the next N requests to this API answer a server error".

use std::collections::HashMap;

use crate::Provider;

/// An API the sandbox serves: a chat provider's, or Microsoft Graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Api {
    Chat(Provider),
    Graph,
    Gmail,
}

impl From<Provider> for Api {
    fn from(provider: Provider) -> Self {
        Self::Chat(provider)
    }
}

/// Who a throttle applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// Requests bearing this token.
    Token(String),
    /// Every request to this API.
    Api(Api),
}

#[derive(Debug, Clone, Copy)]
struct Throttle {
    /// Requests still let through before the throttle starts.
    pass: u32,
    remaining: u32,
    retry_after_secs: u64,
}

/// A server error answered to the next requests of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failure {
    remaining: u32,
    /// The HTTP status (500, 502, 503…).
    pub status: u16,
    /// `Retry-After` in seconds, when sent.
    pub retry_after: Option<u64>,
}

/// Pending throttles and failures, and the API requests seen (each passes here first).
#[derive(Debug, Default)]
pub(crate) struct Faults {
    throttles: HashMap<Target, Throttle>,
    failures: HashMap<Api, Failure>,
    requests: HashMap<Api, u64>,
    /// Slack Web API calls by method name (`users.list`).
    slack_calls: HashMap<String, u64>,
}

impl Faults {
    /// Counts a call of a Slack Web API method.
    pub(crate) fn count_slack_call(&mut self, method: &str) {
        *self.slack_calls.entry(method.to_owned()).or_default() += 1;
    }

    /// Calls of a Slack Web API method so far, throttled ones included.
    pub(crate) fn slack_calls(&self, method: &str) -> u64 {
        self.slack_calls.get(method).copied().unwrap_or_default()
    }

    /// After `pass` requests matching `target` go through, the next `requests` answer 429.
    pub(crate) fn throttle(
        &mut self,
        target: Target,
        pass: u32,
        requests: u32,
        retry_after_secs: u64,
    ) {
        if requests == 0 {
            self.throttles.remove(&target);
        } else {
            let throttle = Throttle { pass, remaining: requests, retry_after_secs };
            self.throttles.insert(target, throttle);
        }
    }

    /// The next `requests` requests to `api` answer `status`, with `Retry-After` when given.
    pub(crate) fn fail(&mut self, api: Api, requests: u32, status: u16, retry_after: Option<u64>) {
        if requests == 0 {
            self.failures.remove(&api);
        } else {
            self.failures.insert(api, Failure { remaining: requests, status, retry_after });
        }
    }

    /// Consumes one failure for a request to `api`, if one is pending.
    pub(crate) fn take_failure(&mut self, api: Api) -> Option<Failure> {
        let failure = self.failures.get_mut(&api)?;
        failure.remaining -= 1;
        let taken = *failure;
        if taken.remaining == 0 {
            self.failures.remove(&api);
        }
        Some(taken)
    }

    /// Requests made to `api` so far, throttled ones included.
    pub(crate) fn requests(&self, api: impl Into<Api>) -> u64 {
        self.requests.get(&api.into()).copied().unwrap_or_default()
    }

    /// Consumes one throttled answer for this request, if one is pending: its `Retry-After`.
    pub(crate) fn take(&mut self, api: impl Into<Api>, token: Option<&str>) -> Option<u64> {
        let api = api.into();
        *self.requests.entry(api).or_default() += 1;
        let by_token = token.map(|t| Target::Token(t.to_owned()));
        let targets = by_token.into_iter().chain(std::iter::once(Target::Api(api)));
        for target in targets {
            if let Some(throttle) = self.throttles.get_mut(&target) {
                if throttle.pass > 0 {
                    throttle.pass -= 1;
                    continue;
                }
                throttle.remaining -= 1;
                let retry_after = throttle.retry_after_secs;
                if throttle.remaining == 0 {
                    self.throttles.remove(&target);
                }
                return Some(retry_after);
            }
        }
        None
    }
}
