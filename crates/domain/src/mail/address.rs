//! A mail address as it appears in a message's headers.

use serde::{Deserialize, Serialize};

/// One sender or recipient: the address and, when the message gives one, the display name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MailAddress {
    /// The display name (`Ada Lovelace`), when given.
    pub name: Option<String>,
    /// The address (`ada@example.com`), as the provider gave it.
    pub address: String,
}

impl MailAddress {
    /// The name to show: the display name when there is one, else the address.
    ///
    /// ```
    /// use switchboard_domain::mail::MailAddress;
    ///
    /// let named = MailAddress { name: Some("Ada".into()), address: "ada@example.com".into() };
    /// let bare = MailAddress { name: Some(" ".into()), address: "bob@example.com".into() };
    /// assert_eq!(named.shown_name(), "Ada");
    /// assert_eq!(bare.shown_name(), "bob@example.com");
    /// ```
    pub fn shown_name(&self) -> &str {
        match self.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name,
            _ => &self.address,
        }
    }
}
