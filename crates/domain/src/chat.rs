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
}

/// A channel the token's owner is a member of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRef {
    /// The provider's channel id.
    pub id: String,
    /// Its name (`general`, `town-square`).
    pub name: String,
    /// The team it belongs to.
    pub team_id: String,
    /// Public, private, direct or group.
    pub kind: ChannelKind,
    /// Archived: readable, no longer written to.
    pub archived: bool,
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
    /// The author's user id (empty when the provider names none, as for a Slack tombstone).
    pub author_id: String,
    /// The author's display name when the provider gave it with the post.
    pub author_name: Option<String>,
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

/// A person of the workspace or team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatUser {
    /// The provider's user id.
    pub id: String,
    /// The login name (`ada.lovelace`).
    pub username: String,
    /// The name to show: the real name when the provider has one, else the login name.
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
