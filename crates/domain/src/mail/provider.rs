//! Which provider hosts an address: known consumer domains first, then the domain's MX hosts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A mail provider Switchboard reads mailboxes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailProvider {
    /// Outlook and Microsoft 365 mailboxes, through Microsoft Graph.
    Microsoft,
    /// Gmail and Google Workspace mailboxes, through the Gmail API.
    Google,
}

impl MailProvider {
    /// The provider's name as stored and shown (`microsoft`, `google`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Microsoft => "microsoft",
            Self::Google => "google",
        }
    }

    /// The provider that hosts every mailbox of a consumer domain, when the domain is one.
    ///
    /// `outlook.*`, `hotmail.*` and `live.*` (any country suffix) and `msn.com` are Microsoft's;
    /// `gmail.com` and `googlemail.com` are Google's. Other domains need their MX records
    /// ([`MailProvider::from_mx_host`]).
    ///
    /// ```
    /// use switchboard_domain::mail::MailProvider;
    ///
    /// assert_eq!(MailProvider::from_domain("Outlook.co.uk"), Some(MailProvider::Microsoft));
    /// assert_eq!(MailProvider::from_domain("hotmail.fr"), Some(MailProvider::Microsoft));
    /// assert_eq!(MailProvider::from_domain("googlemail.com"), Some(MailProvider::Google));
    /// assert_eq!(MailProvider::from_domain("example.org"), None);
    /// assert_eq!(MailProvider::from_domain("notoutlook.com"), None);
    /// ```
    pub fn from_domain(domain: &str) -> Option<Self> {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let first = domain.split('.').next().unwrap_or_default();
        let has_suffix = domain.len() > first.len() + 1;
        match (first, has_suffix) {
            _ if domain == "msn.com" => Some(Self::Microsoft),
            ("outlook" | "hotmail" | "live", true) => Some(Self::Microsoft),
            _ if domain == "gmail.com" || domain == "googlemail.com" => Some(Self::Google),
            _ => None,
        }
    }

    /// The provider behind one MX host of a domain: `*.mail.protection.outlook.com` is
    /// Exchange Online (Microsoft 365); `*.google.com` and `*.googlemail.com` are Google
    /// Workspace.
    ///
    /// ```
    /// use switchboard_domain::mail::MailProvider;
    ///
    /// let ms = "contoso-com.mail.protection.outlook.com.";
    /// assert_eq!(MailProvider::from_mx_host(ms), Some(MailProvider::Microsoft));
    /// assert_eq!(MailProvider::from_mx_host("aspmx.l.google.com"), Some(MailProvider::Google));
    /// assert_eq!(MailProvider::from_mx_host("mx.example.org"), None);
    /// assert_eq!(MailProvider::from_mx_host("google.com.evil.example"), None);
    /// ```
    pub fn from_mx_host(host: &str) -> Option<Self> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let under = |suffix: &str| host.ends_with(&format!(".{suffix}"));
        if under("mail.protection.outlook.com") {
            Some(Self::Microsoft)
        } else if under("google.com") || under("googlemail.com") {
            Some(Self::Google)
        } else {
            None
        }
    }

    /// The provider of a domain from its MX hosts (most preferred first): the first host that
    /// names a provider decides.
    pub fn from_mx_hosts<'a>(hosts: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        hosts.into_iter().find_map(Self::from_mx_host)
    }
}

impl fmt::Display for MailProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mail provider {0:?}: expected microsoft or google")]
pub struct UnknownProvider(pub String);

impl FromStr for MailProvider {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "microsoft" => Ok(Self::Microsoft),
            "google" => Ok(Self::Google),
            other => Err(UnknownProvider(other.to_owned())),
        }
    }
}

/// What the address alone says about its provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderGuess {
    /// A consumer domain: the provider is known.
    Known(MailProvider),
    /// Any other domain: its MX records decide (this domain, lower-cased).
    LookUpMx(String),
}

impl ProviderGuess {
    /// Guesses from an email address's domain (the part after the last `@`).
    ///
    /// ```
    /// use switchboard_domain::mail::{MailProvider, ProviderGuess};
    ///
    /// assert_eq!(ProviderGuess::of_address("ada@live.com"), ProviderGuess::Known(MailProvider::Microsoft));
    /// assert_eq!(ProviderGuess::of_address("ada@Contoso.com"), ProviderGuess::LookUpMx("contoso.com".into()));
    /// ```
    pub fn of_address(address: &str) -> Self {
        let domain = address.rsplit_once('@').map_or(address, |(_, d)| d).to_ascii_lowercase();
        match MailProvider::from_domain(&domain) {
            Some(provider) => Self::Known(provider),
            None => Self::LookUpMx(domain),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in [MailProvider::Microsoft, MailProvider::Google] {
            assert_eq!(p.as_str().parse::<MailProvider>(), Ok(p));
        }
        assert!("yahoo".parse::<MailProvider>().is_err());
    }

    #[test]
    fn consumer_domains_need_a_suffix() {
        assert_eq!(MailProvider::from_domain("outlook"), None);
        assert_eq!(MailProvider::from_domain("live.com"), Some(MailProvider::Microsoft));
        assert_eq!(MailProvider::from_domain("msn.com."), Some(MailProvider::Microsoft));
        assert_eq!(MailProvider::from_domain("gmail.co"), None);
    }

    #[test]
    fn the_first_mx_host_that_names_a_provider_decides() {
        let hosts = ["mx1.example.org", "alt1.aspmx.l.google.com", "x.mail.protection.outlook.com"];
        assert_eq!(MailProvider::from_mx_hosts(hosts), Some(MailProvider::Google));
        assert_eq!(MailProvider::from_mx_hosts(["mx.example.org"]), None);
        assert_eq!(MailProvider::from_mx_host("outlook.com"), None);
    }
}
