//! Where Graph is and how hard to try: the caller's base URL (config), checked before
//! graph-rs-sdk sees it, since `GraphClient::use_endpoint` panics on a host off its allowlist.

use std::time::Duration;

use graph_rs_sdk::identity::{AllowedHostValidator, HostIs};
use switchboard_ports::RetryPolicy;
use url::Url;

/// How to reach Microsoft Graph and how hard to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphConfig {
    /// The service root, version included (`https://graph.microsoft.com/v1.0`).
    pub base_url: String,
    /// What to do on 429 and 503 with `Retry-After`.
    pub retry: RetryPolicy,
    /// Messages per delta page (`Prefer: odata.maxpagesize`; Graph allows up to 1000 and
    /// pages delta answers by 10 unless asked).
    pub page_size: u32,
    /// Requests in flight at once per mailbox: Graph's own limit is 4.
    pub max_in_flight: usize,
    /// Per-request timeout (an attachment's body included).
    pub timeout: Duration,
}

impl GraphConfig {
    /// The public worldwide endpoint.
    pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";

    /// Defaults for Graph at `base_url`: retries as [`RetryPolicy::default`], pages of 100,
    /// 4 requests in flight, 60 s per request.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            retry: RetryPolicy::default(),
            page_size: 100,
            max_in_flight: 4,
            timeout: Duration::from_secs(60),
        }
    }

    /// The base URL, checked: https on one of Graph's national clouds, or — only in builds
    /// with the `sandbox` feature — any http or https URL (a local fake).
    pub(crate) fn endpoint(&self) -> Result<Endpoint, EndpointError> {
        let url = Url::parse(self.base_url.trim_end_matches('/'))
            .map_err(|e| EndpointError::Invalid(e.to_string()))?;
        if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
            return Err(EndpointError::Invalid("a service root has no query or fragment".into()));
        }
        let on_allowlist = url.scheme() == "https"
            && matches!(AllowedHostValidator::default().validate_url(&url), HostIs::Valid);
        if on_allowlist {
            return Ok(Endpoint { url, test: false });
        }
        if cfg!(feature = "sandbox") && matches!(url.scheme(), "http" | "https") {
            return Ok(Endpoint { url, test: true });
        }
        Err(EndpointError::NotGraph(url.to_string()))
    }
}

/// A checked Graph base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) url: Url,
    /// Off graph-rs-sdk's allowlist: reachable only through its `test-util` endpoint.
    pub(crate) test: bool,
}

impl Endpoint {
    /// Whether `link` (a next or delta link, a stored cursor) points under this root, so the
    /// access token may be sent to it.
    pub(crate) fn owns(&self, link: &Url) -> bool {
        let root = self.url.path().trim_end_matches('/');
        link.origin() == self.url.origin()
            && link.path().strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// A Graph base URL this build refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// Not a URL, or one with a query or fragment.
    #[error("invalid Graph base URL: {0}")]
    Invalid(String),
    /// Not https on a Graph host (local fakes need the `sandbox` feature).
    #[error(
        "{0} is not a Microsoft Graph endpoint (https on graph.microsoft.com or a national \
         cloud; local fakes only in builds with the sandbox feature)"
    )]
    NotGraph(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_hosts_pass_and_others_need_the_sandbox_feature() {
        let ok = GraphConfig::new("https://graph.microsoft.com/v1.0/").endpoint();
        assert_eq!(ok.map(|e| e.test), Ok(false));
        let local = GraphConfig::new("http://127.0.0.1:8001/graph/v1.0").endpoint();
        assert_eq!(local.is_ok(), cfg!(feature = "sandbox"));
        let elsewhere = GraphConfig::new("https://graph.evil.example/v1.0").endpoint();
        assert_eq!(elsewhere.is_ok(), cfg!(feature = "sandbox"));
        assert!(GraphConfig::new("ftp://graph.microsoft.com").endpoint().is_err());
        assert!(GraphConfig::new("https://graph.microsoft.com/v1.0?x=1").endpoint().is_err());
        assert!(GraphConfig::new("not a url").endpoint().is_err());
    }

    #[test]
    fn links_are_owned_only_under_the_root() {
        let endpoint = GraphConfig::new("https://graph.microsoft.com/v1.0").endpoint();
        let Ok(endpoint) = endpoint else { panic!("endpoint refused") };
        let own = |s: &str| Url::parse(s).is_ok_and(|u| endpoint.owns(&u));
        assert!(own(
            "https://graph.microsoft.com/v1.0/me/mailFolders/x/messages/delta?$deltatoken=1"
        ));
        assert!(!own("https://graph.microsoft.com/beta/me"));
        assert!(!own("https://graph.microsoft.com/v1.0evil/me"));
        assert!(!own("https://evil.example/v1.0/me"));
        assert!(!own("http://graph.microsoft.com/v1.0/me"));
    }
}
