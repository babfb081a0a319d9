//! Email addresses, validated and normalised at the edge.

use std::fmt;

/// Why a text is not an acceptable email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid email address")]
pub struct InvalidEmail;

/// An email address: trimmed, lower-cased, one `@` between a non-empty local part and a
/// dotted domain, at most 254 characters.
///
/// ```
/// use switchboard_domain::identity::EmailAddress;
///
/// let email = EmailAddress::parse("  Ada@Example.ORG ").unwrap();
/// assert_eq!(email.as_str(), "ada@example.org");
/// assert!(EmailAddress::parse("ada@localhost").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Normalises and validates `raw`.
    ///
    /// # Errors
    /// [`InvalidEmail`] when it is not an address.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let email = raw.trim().to_lowercase();
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidEmail);
        }
        let (local, domain) = email.split_once('@').ok_or(InvalidEmail)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(InvalidEmail);
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_refuses_garbage() {
        assert_eq!(EmailAddress::parse(" A@B.co ").map(|e| e.0), Ok("a@b.co".to_owned()));
        for bad in ["", "a", "a@", "@b.co", "a@b", "a b@c.co", "a@@b.co", "a@b..co", "a@-b.co"] {
            assert_eq!(EmailAddress::parse(bad), Err(InvalidEmail), "{bad}");
        }
    }
}
