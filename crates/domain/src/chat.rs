//! Chat sources (Slack, Mattermost) as the core sees them: who the token belongs to, the
//! channels, the posts, the people. Plain values with the providers' own identifiers; the
//! adapters in `switchboard-slack` and `switchboard-mattermost` build them from each
//! provider's wire format, and the port `switchboard_ports::chat::ChatSource` returns them.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The kind of chat provider a source talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatProvider {
    /// The Slack Web API.
    Slack,
    /// The Mattermost API v4.
    Mattermost,
}

impl fmt::Display for ChatProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Slack => "slack",
            Self::Mattermost => "mattermost",
        })
    }
}

/// A workspace (Slack) or team (Mattermost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatTeam {
    /// The provider's team id.
    pub id: String,
    /// Its display name.
    pub name: String,
}

/// Who a token belongs to, as the provider answered when asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatIdentity {
    /// The provider.
    pub provider: ChatProvider,
    /// The token owner's user id.
    pub user_id: String,
    /// The token owner's login name.
    pub user_name: String,
    /// The workspaces or teams the token reaches (Slack: exactly one).
    pub teams: Vec<ChatTeam>,
}

/// What kind of conversation a channel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// Open to everyone in the team.
    Public,
    /// Members only.
    Private,
    /// A direct message between two people.
    Direct,
    /// A group direct message.
    Group,
}

impl ChannelKind {
    /// The kind's name as stored and shown (`public`, `private`, `direct`, `group`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Direct => "direct",
            Self::Group => "group",
        }
    }

    /// A direct or group message: a private conversation between people rather than a
    /// channel, followed only when its source includes them.
    ///
    /// ```
    /// use switchboard_domain::chat::ChannelKind;
    ///
    /// assert!(ChannelKind::Group.is_conversation());
    /// assert!(!ChannelKind::Private.is_conversation());
    /// ```
    pub fn is_conversation(self) -> bool {
        matches!(self, Self::Direct | Self::Group)
    }

    /// The kind named `name` (`public`, `private`, `direct`, `group`), as stored.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Public, Self::Private, Self::Direct, Self::Group]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// A channel the token's owner is a member of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRef {
    /// The provider's channel id.
    pub id: String,
    /// The name people see (`general`, `Town Square`; for a direct message, the other
    /// person's): shown, never a key (a renamed channel keeps its id).
    pub name: String,
    /// The team it belongs to.
    pub team_id: String,
    /// Public, private, direct or group.
    pub kind: ChannelKind,
    /// Archived: readable, no longer written to.
    pub archived: bool,
}

/// Who a post comes from, as the provider marks it.
///
/// System posts (a member joined, the topic changed, an item was pinned: Slack's system
/// subtypes, Mattermost's `system_*` types) are stored but never analysed. Bot posts (a Slack
/// `bot_message` or app message, a Mattermost webhook or bot account post) are analysed as
/// their bot's, and left out of most active and hot topics unless their channel includes
/// bots. Everything else is a person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostKind {
    /// Written by a person.
    #[default]
    User,
    /// Posted by a bot, an app, an integration or a webhook.
    Bot,
    /// Written by the provider itself about the channel (joins, leaves, renames, pins…).
    System,
}

impl PostKind {
    /// Every kind.
    pub const ALL: [PostKind; 3] = [Self::User, Self::Bot, Self::System];

    /// The kind's name as stored and shown (`user`, `bot`, `system`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Bot => "bot",
            Self::System => "system",
        }
    }
}

impl std::str::FromStr for PostKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| format!("unknown post kind {s:?}"))
    }
}

impl fmt::Display for PostKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one name Switchboard shows for a person, from what the provider knows of them: the
/// name they chose to be shown (Slack's display name, Mattermost's nickname) if set, else their
/// real name (Slack's real name, Mattermost's first and last names), else their username. The
/// same rule names the authors of posts that carry a profile (Slack's `user_profile`) and the
/// people looked up, so one person has one name.
///
/// ```
/// use switchboard_domain::chat::person_name;
///
/// assert_eq!(person_name(Some("ada"), Some("Ada Lovelace"), "ada.l"), "ada");
/// assert_eq!(person_name(Some(" "), Some("Ada Lovelace"), "ada.l"), "Ada Lovelace");
/// assert_eq!(person_name(None, None, "ada.l"), "ada.l");
/// ```
pub fn person_name(display: Option<&str>, real: Option<&str>, username: &str) -> String {
    [display, real, Some(username)]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|n| !n.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// One post (message), a thread reply or not, as the provider last showed it.
///
/// A deleted post keeps its id and times so that a store can retire its copy; its text is
/// whatever the provider left (usually empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPost {
    /// The provider's post id (Slack: the message `ts`; Mattermost: the post id). Unique
    /// within its channel.
    pub id: String,
    /// The channel it was posted in.
    pub channel_id: String,
    /// The author's id: a person's user id, a bot's id (Slack `B…`), or `webhook:` and the
    /// name a webhook posted under; empty only for a deleted post whose author the provider
    /// no longer tells (a Slack tombstone).
    pub author_id: String,
    /// The author's name when the provider gave it with the post: a person's by
    /// [`person_name`], a bot's or webhook's as shown on the post.
    pub author_name: Option<String>,
    /// A person's, a bot's or the system's.
    pub kind: PostKind,
    /// The text as posted (provider markup, mentions, URLs and emoji left in).
    pub text: String,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Whether it has been deleted.
    pub deleted: bool,
    /// The id of its thread's root post, for a reply; `None` for a top-level post.
    pub thread_root: Option<String>,
}

impl ChatPost {
    /// Whether this copy is older than `stored`, a copy of the same post: `stored` was edited
    /// and this one, not a deletion, was not, or earlier. A store keeps the newer copy, so a
    /// late event or a listing read before an edit never undoes it; a deletion (a Slack
    /// tombstone need not carry the last edit's time) always applies.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use switchboard_domain::chat::{ChatPost, PostKind};
    /// let at = |s| Some(Utc.timestamp_opt(s, 0).unwrap());
    /// let post = |text: &str, edited_at| ChatPost {
    ///     id: "1700000000.000100".into(),
    ///     channel_id: "C1".into(),
    ///     author_id: "U1".into(),
    ///     author_name: None,
    ///     kind: PostKind::User,
    ///     text: text.into(),
    ///     posted_at: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
    ///     edited_at,
    ///     deleted: false,
    ///     thread_root: None,
    /// };
    /// let second = post("second edit", at(1_700_000_200));
    /// assert!(post("first edit", at(1_700_000_100)).is_older_than(&second));
    /// assert!(post("as posted", None).is_older_than(&second));
    /// assert!(!post("third edit", at(1_700_000_300)).is_older_than(&second));
    /// assert!(!post("same edit, new unfurl", at(1_700_000_200)).is_older_than(&second));
    /// let tombstone = ChatPost { deleted: true, ..post("This message was deleted.", None) };
    /// assert!(!tombstone.is_older_than(&second));
    /// ```
    #[must_use]
    pub fn is_older_than(&self, stored: &Self) -> bool {
        !self.deleted
            && stored
                .edited_at
                .is_some_and(|stored| self.edited_at.is_none_or(|this| this < stored))
    }
}

/// A person of the workspace or team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatUser {
    /// The provider's user id.
    pub id: String,
    /// The login name (`ada.lovelace`).
    pub username: String,
    /// The name to show, chosen by [`person_name`].
    pub display_name: String,
    /// A deactivated account (its posts remain).
    pub deleted: bool,
}

/// Where a page of history resumes: opaque, made by the adapter that returned it and
/// meaningful only to that adapter and the same request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageCursor(String);

impl PageCursor {
    /// Wraps a cursor (as an adapter made it, or as stored between runs).
    pub fn new(cursor: impl Into<String>) -> Self {
        Self(cursor.into())
    }

    /// The cursor's text, to store or send back.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which part of a channel's history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryScope {
    /// Every live post created at or after `oldest` (the whole history when `None`), replies
    /// included. The pages of one backfill, taken together, list each such post exactly once
    /// (barring posts deleted while it runs), so a caller may treat a stored post of that
    /// window that none of them lists as deleted.
    Backfill {
        /// The earliest creation time wanted.
        oldest: Option<DateTime<Utc>>,
    },
    /// What changed after `since`: posts created, edited or deleted since then, as far as the
    /// provider can tell (each adapter documents its limits).
    Changes {
        /// The time of the previous sync (on the provider's clock).
        since: DateTime<Utc>,
    },
    /// Every live top-level post created at or after `oldest` (the whole history when
    /// `None`), deleted thread roots kept as tombstones, with a [`ThreadSummary`] of each
    /// thread rooted there instead of its replies, which the caller reads with the port's
    /// `thread` when the summary says they changed. Like a backfill, the pages taken together
    /// list each such post once. Providers whose history always carries the replies answer
    /// it as a [`HistoryScope::Backfill`].
    Listing {
        /// The earliest creation time wanted.
        oldest: Option<DateTime<Utc>>,
    },
}

/// What a listing shows of a thread without reading it (Slack's `reply_count` and
/// `latest_reply` on the root): when either differs from the replies stored, a reply was
/// added or deleted since they were read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    /// The root post's id.
    pub root: String,
    /// How many replies the thread has.
    pub replies: u64,
    /// When its latest reply was posted; `None` without replies.
    pub latest_reply: Option<DateTime<Utc>>,
}

/// One page of a channel's history.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PostPage {
    /// The posts of this page, in no guaranteed order.
    pub posts: Vec<ChatPost>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
    /// The provider capped the answer and more changes exist than it returned: the caller
    /// should backfill the channel again rather than trust the change list.
    pub truncated: bool,
    /// For a [`HistoryScope::Listing`], the threads rooted in this page, whose replies it
    /// does not list; empty otherwise.
    #[serde(default)]
    pub threads: Vec<ThreadSummary>,
}
