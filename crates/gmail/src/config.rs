//! Where the Gmail API is and how hard to try. google-gmail1 appends `gmail/v1/users/…` to
//! its base URL (and `upload/gmail/v1/…` to its root URL for sends), so both must end with a
//! slash: the config takes them with or without one.

use std::time::Duration;

use switchboard_ports::RetryPolicy;
use url::Url;

/// How to reach the Gmail API and how hard to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmailConfig {
    /// Where `gmail/v1/users/…` is found (`https://gmail.googleapis.com/`).
    pub base_url: String,
    /// Where `upload/gmail/v1/users/…` (messages.send) is found; usually the same.
    pub root_url: String,
    /// Messages per listing or history page (`maxResults`; Gmail allows up to 500, and a list
    /// costs the same 5 quota units whatever its size). The default, 500, also gives a sync
    /// fewer, larger pages to write: the first sync of 20,000 messages from the sandbox went
    /// from 2,783 to 4,073 messages a second against pages of 100 (`mail_bench`).
    pub page_size: u32,
    /// What to do on 429 and 403 `rateLimitExceeded` / `userRateLimitExceeded`.
    pub retry: RetryPolicy,
    /// Requests in flight at once per mailbox: Gmail's per-user quota (250 units a second,
    /// 5 per messages.get) allows about 50 gets a second; 10 at once stays well inside it.
    pub max_in_flight: usize,
    /// Per-request timeout (google-gmail1's client has none of its own).
    pub timeout: Duration,
}

impl GmailConfig {
    /// Google's public endpoint.
    pub const DEFAULT_BASE_URL: &str = "https://gmail.googleapis.com/";

    /// Defaults for Gmail at `base_url` (also the root URL): retries as
    /// [`RetryPolicy::default`], pages of 500, 10 requests in flight, 60 s per request.
    pub fn new(base_url: impl Into<String>) -> Self {
        let base_url = base_url.into();
        Self {
            root_url: base_url.clone(),
            base_url,
            page_size: 500,
            retry: RetryPolicy::default(),
            max_in_flight: 10,
            timeout: Duration::from_secs(60),
        }
    }

    /// The base and root URLs, checked and ending with a slash.
    pub(crate) fn urls(&self) -> Result<(String, String), EndpointError> {
        Ok((checked(&self.base_url)?, checked(&self.root_url)?))
    }
}

/// `url` with a trailing slash if this build may send a token there: https, or plain http
/// only with the `sandbox` feature (a local fake); no query or fragment.
pub(crate) fn checked(url: &str) -> Result<String, EndpointError> {
    let parsed = Url::parse(url).map_err(|e| EndpointError::Invalid(e.to_string()))?;
    if parsed.query().is_some() || parsed.fragment().is_some() || parsed.cannot_be_a_base() {
        return Err(EndpointError::Invalid(format!("{url} has a query or fragment")));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if cfg!(feature = "sandbox") => {}
        _ => return Err(EndpointError::NotHttps(url.to_owned())),
    }
    let text = parsed.as_str();
    Ok(if text.ends_with('/') { text.to_owned() } else { format!("{text}/") })
}

/// A URL this build refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// Not a URL, or one with a query or fragment.
    #[error("invalid Google URL: {0}")]
    Invalid(String),
    /// Not https (local fakes need the `sandbox` feature).
    #[error("{0} is not https (plain http only in builds with the sandbox feature)")]
    NotHttps(String),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_get_their_slash_and_http_needs_the_sandbox_feature() {
        let ok = GmailConfig::new("https://gmail.googleapis.com").urls();
        assert_eq!(
            ok,
            Ok(("https://gmail.googleapis.com/".into(), "https://gmail.googleapis.com/".into()))
        );
        let local = GmailConfig::new("http://127.0.0.1:9/google").urls();
        assert_eq!(local.is_ok(), cfg!(feature = "sandbox"));
        assert!(GmailConfig::new("https://gmail.googleapis.com/?x=1").urls().is_err());
        assert!(GmailConfig::new("ftp://gmail.googleapis.com/").urls().is_err());
        assert!(GmailConfig::new("nope").urls().is_err());
    }
}
