//! Chat sources as Switchboard stores them: a user's connection to a Slack workspace or a
//! Mattermost server, the channels discovered through it, and where each channel's sync stands.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::UserId;
use crate::chat::{ChannelKind, ChatProvider};

crate::ids::uuid_id!(
    /// The identifier of a connected chat source.
    SourceId
);
crate::ids::uuid_id!(
    /// The identifier of a stored channel (not the provider's channel id).
    ChannelId
);

/// Where a source stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// Connected; synced on schedule.
    Active,
    /// A sync is running.
    Syncing,
    /// The provider refused the token: the user must connect the source again.
    ReauthRequired,
    /// The last sync failed (see the source's last error); it is retried.
    Error,
}

impl SourceStatus {
    /// Every status.
    pub const ALL: [SourceStatus; 4] =
        [Self::Active, Self::Syncing, Self::ReauthRequired, Self::Error];

    /// The status's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Syncing => "syncing",
            Self::ReauthRequired => "reauth_required",
            Self::Error => "error",
        }
    }
}

impl std::str::FromStr for SourceStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown source status {s:?}"))
    }
}

impl fmt::Display for SourceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user's connection to a chat provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its id.
    pub id: SourceId,
    /// The user who connected it; only they see it.
    pub owner_id: UserId,
    /// Slack or Mattermost.
    pub provider: ChatProvider,
    /// The provider's API base URL, as used.
    pub base_url: String,
    /// The sealed secret holding the token.
    pub token_secret_id: uuid::Uuid,
    /// The token owner's id at the provider.
    pub external_user_id: String,
    /// The token owner's login name at the provider.
    pub external_user_name: String,
    /// The workspace or team names the token reaches.
    pub team_name: String,
    /// The provider's id of the team it reads (a Slack workspace), which events pushed by the
    /// provider name; empty when unknown (Mattermost).
    pub team_id: String,
    /// Where it stands.
    pub status: SourceStatus,
    /// When the last sync finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Why the last sync failed, if it did.
    pub last_error: Option<String>,
    /// Followed channels whose first backfill is finished.
    pub backfill_done: u32,
    /// Followed channels to backfill.
    pub backfill_total: u32,
    /// Whether direct and group messages found through it are followed (false unless the
    /// user turns it on: they are private conversations).
    pub include_direct: bool,
    /// When it was connected.
    pub created_at: DateTime<Utc>,
}

impl Source {
    /// The source as recorded in events: no token, no secret id.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "owner_id": self.owner_id,
            "provider": self.provider,
            "base_url": self.base_url,
            "external_user_name": self.external_user_name,
            "team_name": self.team_name,
            "status": self.status,
            "include_direct": self.include_direct,
        })
    }

    /// Whether a channel of `kind` found through this source is followed when discovered:
    /// every channel, except direct and group messages unless the source includes them.
    ///
    /// ```
    /// use switchboard_domain::chat::ChannelKind;
    /// # use switchboard_domain::chat_sources::Source;
    /// # fn check(source: &Source) {
    /// assert!(source.follows_on_discovery(ChannelKind::Public));
    /// assert_eq!(source.follows_on_discovery(ChannelKind::Direct), source.include_direct);
    /// # }
    /// ```
    pub fn follows_on_discovery(&self, kind: ChannelKind) -> bool {
        self.include_direct || !kind.is_conversation()
    }
}

/// A channel discovered through a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Its id.
    pub id: ChannelId,
    /// The source it came through.
    pub source_id: SourceId,
    /// The source's owner.
    pub owner_id: UserId,
    /// The provider's channel id.
    pub external_id: String,
    /// Its name.
    pub name: String,
    /// `public`, `private`, `direct` or `group`.
    pub kind: String,
    /// Whether it is synced and analysed; when discovered, true except for direct and group
    /// messages of a source that does not include them (see [`Source::follows_on_discovery`]).
    pub followed: bool,
    /// Whether its bots' and webhooks' posts count in most active and hot topics (false:
    /// they count only in the pulse, summary and representative messages).
    pub include_bots: bool,
    /// The latest post creation or edit time seen (provider clock): where the next change scan
    /// starts. `None` until a backfill has stored a post.
    pub synced_until: Option<DateTime<Utc>>,
    /// Since when the provider refuses to let the source's user read it (they left or were
    /// removed from a private channel, or it was deleted); `None` while it is readable. Its
    /// stored posts stay. A sync tries it again only once the provider lists it again (see
    /// [`Channel::sync_skipped`]).
    pub unreadable_since: Option<DateTime<Utc>>,
    /// When it was discovered.
    pub created_at: DateTime<Utc>,
}

/// Where a channel's backfill that was cut short (a rate limit, the provider unreachable)
/// resumes, saved with each page it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillCheckpoint {
    /// The start of the window the backfill reads down to: the provider's cursor is valid
    /// only with the request that gave it.
    pub oldest: DateTime<Utc>,
    /// The provider's cursor of the next page to read.
    pub cursor: String,
    /// The oldest post time listed before `cursor`. The resumed backfill lists only what is
    /// older, so it reconciles deletions below this time only.
    pub listed_down_to: DateTime<Utc>,
}

impl Channel {
    /// The `model_name` of a channel's events.
    pub const EVENT_MODEL: &'static str = "chat_channel";

    /// The attribute of the `changed` event recorded when posts of the channel were written
    /// (its new value: how many). The analytics consumer recomputes the channels named by it.
    pub const POSTS_ATTRIBUTE: &'static str = "posts";

    /// The attribute of the `changed` event recorded when [`Channel::include_bots`] changes;
    /// the analytics consumer recomputes the channel.
    pub const INCLUDE_BOTS_ATTRIBUTE: &'static str = "include_bots";

    /// The attribute of the `changed` event recorded when [`Channel::unreadable_since`]
    /// changes (its new value: the time, RFC 3339, or null once readable again).
    pub const UNREADABLE_ATTRIBUTE: &'static str = "unreadable_since";

    /// Whether a sync leaves the channel out: it is not followed, or it became unreadable and
    /// the provider's latest listing of the user's channels (`listed`) does not hold it. A
    /// channel the user joins again is listed again, and tried.
    ///
    /// ```
    /// # use switchboard_domain::{UserId, chat_sources::{Channel, ChannelId, SourceId}};
    /// let mut channel = Channel {
    ///     id: ChannelId::new(),
    ///     source_id: SourceId::new(),
    ///     owner_id: UserId::new(),
    ///     external_id: "C024BE91L".into(),
    ///     name: "ops".into(),
    ///     kind: "private".into(),
    ///     followed: true,
    ///     include_bots: false,
    ///     synced_until: None,
    ///     unreadable_since: Some(chrono::Utc::now()),
    ///     created_at: chrono::Utc::now(),
    /// };
    /// assert!(channel.sync_skipped(false), "left, and no longer listed");
    /// assert!(!channel.sync_skipped(true), "listed again: tried");
    /// channel.unreadable_since = None;
    /// assert!(!channel.sync_skipped(false), "readable without being listed (a public channel)");
    /// ```
    pub fn sync_skipped(&self, listed: bool) -> bool {
        !self.followed || (self.unreadable_since.is_some() && !listed)
    }

    /// The channel's kind, when it is one of [`ChannelKind`]'s names.
    pub fn channel_kind(&self) -> Option<ChannelKind> {
        ChannelKind::parse(&self.kind)
    }

    /// The channel as recorded in events.
    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "source_id": self.source_id,
            "external_id": self.external_id,
            "name": self.name,
            "kind": self.kind,
            "followed": self.followed,
            "include_bots": self.include_bots,
            "unreadable_since": self.unreadable_since,
        })
    }
}
