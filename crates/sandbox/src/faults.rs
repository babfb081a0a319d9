//! Injected faults: "the next N requests answer 429 with `Retry-After: S`".

use std::collections::HashMap;

use crate::Provider;

/// Who a throttle applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// Requests bearing this token.
    Token(String),
    /// Every request to this provider.
    Provider(Provider),
}

#[derive(Debug, Clone, Copy)]
struct Throttle {
    remaining: u32,
    retry_after_secs: u64,
}

/// Pending throttles.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    throttles: HashMap<Target, Throttle>,
}

impl Faults {
    /// The next `requests` requests matching `target` answer 429.
    pub(crate) fn throttle(&mut self, target: Target, requests: u32, retry_after_secs: u64) {
        if requests == 0 {
            self.throttles.remove(&target);
        } else {
            self.throttles.insert(target, Throttle { remaining: requests, retry_after_secs });
        }
    }

    /// Consumes one throttled answer for this request, if one is pending: its `Retry-After`.
    pub(crate) fn take(&mut self, provider: Provider, token: Option<&str>) -> Option<u64> {
        let by_token = token.map(|t| Target::Token(t.to_owned()));
        let targets = by_token.into_iter().chain(std::iter::once(Target::Provider(provider)));
        for target in targets {
            if let Some(throttle) = self.throttles.get_mut(&target) {
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
