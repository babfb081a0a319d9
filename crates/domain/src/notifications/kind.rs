//! The kinds of notification.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A chat source or mail account must be connected again (its status became
    /// `reauth_required`).
    ReauthRequired,
    /// A chat source or mail account finished its first successful sync.
    FirstSync,
    /// A chat source's or mail account's sync failed (its status became `error`).
    SyncFailed,
    /// New unread mail arrived in an account's inbox (one notification per burst, counted).
    NewMail,
    /// A channel's summary of the day is ready.
    DailySummary,
    /// One of the user's webhooks was disabled.
    WebhookDisabled,
}

impl NotificationKind {
    /// Every kind, in the order preferences list them.
    pub const ALL: [NotificationKind; 6] = [
        Self::ReauthRequired,
        Self::FirstSync,
        Self::SyncFailed,
        Self::NewMail,
        Self::DailySummary,
        Self::WebhookDisabled,
    ];

    /// The kind's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReauthRequired => "reauth_required",
            Self::FirstSync => "first_sync",
            Self::SyncFailed => "sync_failed",
            Self::NewMail => "new_mail",
            Self::DailySummary => "daily_summary",
            Self::WebhookDisabled => "webhook_disabled",
        }
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind name that is not one of [`NotificationKind`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown notification kind {0:?}")]
pub struct UnknownKind(pub String);

impl FromStr for NotificationKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_serialize_as_their_names() {
        for kind in NotificationKind::ALL {
            assert_eq!(kind.as_str().parse::<NotificationKind>(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(kind.as_str().into()));
        }
        assert!("digest".parse::<NotificationKind>().is_err());
    }
}
