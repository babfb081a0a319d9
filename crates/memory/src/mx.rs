//! MX answers from a fixed table, for tests and embedders that must not reach DNS.

use std::collections::HashMap;
use std::future::Future;

use switchboard_ports::mail::{MxError, MxResolver};

/// Answers each domain's MX hosts from a table given in advance; unknown domains have none.
///
/// ```
/// use switchboard_memory::FixedMx;
///
/// let mx = FixedMx::new([("contoso.com", &["contoso-com.mail.protection.outlook.com"][..])]);
/// # let _ = mx;
/// ```
#[derive(Debug, Clone, Default)]
pub struct FixedMx {
    hosts: HashMap<String, Vec<String>>,
    failing: Vec<String>,
}

impl FixedMx {
    /// A table of domains and their MX hosts, most preferred first.
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [&'a str])>) -> Self {
        let hosts = entries
            .into_iter()
            .map(|(domain, hosts)| {
                (domain.to_ascii_lowercase(), hosts.iter().map(|h| (*h).to_owned()).collect())
            })
            .collect();
        Self { hosts, failing: Vec::new() }
    }

    /// The same table, whose lookups of `domain` fail (a resolver that does not answer).
    pub fn failing_for(mut self, domain: &str) -> Self {
        self.failing.push(domain.to_ascii_lowercase());
        self
    }
}

impl MxResolver for FixedMx {
    fn mx_hosts(&self, domain: &str) -> impl Future<Output = Result<Vec<String>, MxError>> + Send {
        let domain = domain.to_ascii_lowercase();
        let answer = if self.failing.contains(&domain) {
            Err(MxError { domain, reason: "no answer".to_owned() })
        } else {
            Ok(self.hosts.get(&domain).cloned().unwrap_or_default())
        };
        async move { answer }
    }
}
