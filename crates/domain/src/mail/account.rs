//! A linked mailbox's state, as clients see it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a linked mailbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailAccountStatus {
    /// Its first sync is running: the newest mail is readable, the backfill goes on.
    Syncing,
    /// Synced, and kept in sync.
    Active,
    /// The provider refused its grant (expired, revoked, password changed, a new scope
    /// needed): the user must link it again. Nothing retries a dead grant.
    ReauthRequired,
    /// Its sync failed for good; `last_error` says why.
    Error,
}

impl MailAccountStatus {
    /// The status as stored and shown: `syncing`, `active`, `reauth_required`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Syncing => "syncing",
            Self::Active => "active",
            Self::ReauthRequired => "reauth_required",
            Self::Error => "error",
        }
    }

    /// Whether syncs may run: not while the grant is dead.
    pub fn can_sync(self) -> bool {
        !matches!(self, Self::ReauthRequired)
    }
}

impl fmt::Display for MailAccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not one of [`MailAccountStatus`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mail account status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for MailAccountStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Syncing, Self::Active, Self::ReauthRequired, Self::Error]
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

/// How far a first sync has come: messages stored against those the window holds, as far as
/// the provider says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncProgress {
    /// Messages stored so far.
    pub stored: u64,
    /// Messages in the sync window, when known. Until a first sync completes, what the
    /// provider counts in the folders synced (all their mail, older than the window too: a
    /// bound from above); once one has, the messages stored, the window being all there.
    pub total: Option<u64>,
}

impl SyncProgress {
    /// The share done, from 0.0 to 1.0, when the total is known.
    ///
    /// ```
    /// use switchboard_domain::mail::SyncProgress;
    ///
    /// assert_eq!(SyncProgress { stored: 50, total: Some(200) }.fraction(), Some(0.25));
    /// assert_eq!(SyncProgress { stored: 5, total: Some(0) }.fraction(), Some(1.0));
    /// assert_eq!(SyncProgress { stored: 5, total: None }.fraction(), None);
    /// ```
    pub fn fraction(self) -> Option<f64> {
        let total = self.total?;
        if total == 0 {
            return Some(1.0);
        }
        #[expect(clippy::cast_precision_loss, reason = "a share shown to people")]
        let share = self.stored.min(total) as f64 / total as f64;
        Some(share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in ["syncing", "active", "reauth_required", "error"] {
            assert_eq!(s.parse::<MailAccountStatus>().map(|x| x.as_str()), Ok(s));
        }
        assert!("paused".parse::<MailAccountStatus>().is_err());
        assert!(!MailAccountStatus::ReauthRequired.can_sync());
        assert!(MailAccountStatus::Error.can_sync());
    }
}
