//! Which provider hosts an address: the one the user named, else the consumer domain's, else
//! the one the domain's MX hosts point at.

use switchboard_domain::identity::EmailAddress;
use switchboard_domain::mail::{MailProvider, ProviderGuess};
use switchboard_ports::mail::{MxError, MxResolver};

/// Why no provider was chosen for an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// Neither the domain nor its MX hosts name a provider: the user must say which.
    #[error("cannot tell which provider hosts {domain}: give `provider` (microsoft or google)")]
    Unknown {
        /// The address's domain.
        domain: String,
    },
    /// The MX lookup did not answer; trying again later may work.
    #[error(transparent)]
    Lookup(#[from] MxError),
}

/// The provider of `email`: `named` when the user gave one, else the provider of a consumer
/// domain (`outlook.com`, `gmail.com`, …), else the first MX host of the domain that belongs to
/// Microsoft 365 or Google Workspace. Consumer domains and named providers need no lookup.
///
/// # Errors
/// [`DetectError::Unknown`] when nothing names a provider; [`DetectError::Lookup`] when the MX
/// lookup failed.
pub async fn detect_provider<R: MxResolver>(
    resolver: &R,
    email: &EmailAddress,
    named: Option<MailProvider>,
) -> Result<MailProvider, DetectError> {
    if let Some(provider) = named {
        return Ok(provider);
    }
    match ProviderGuess::of_address(email.as_str()) {
        ProviderGuess::Known(provider) => Ok(provider),
        ProviderGuess::LookUpMx(domain) => {
            let hosts = resolver.mx_hosts(&domain).await?;
            MailProvider::from_mx_hosts(hosts.iter().map(String::as_str))
                .ok_or(DetectError::Unknown { domain })
        }
    }
}
