//! Identifiers of domain objects.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The identifier of a user account.
///
/// ```
/// use switchboard_domain::UserId;
///
/// let id = UserId::new();
/// assert_eq!(id.to_string().parse::<UserId>().ok(), Some(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(uuid::Uuid);

impl UserId {
    /// A fresh, time-ordered id (UUIDv7).
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7())
    }

    /// Wraps an existing UUID (read from storage).
    pub fn from_uuid(id: uuid::Uuid) -> Self {
        Self(id)
    }

    /// The UUID inside.
    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for UserId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s).map(Self)
    }
}
