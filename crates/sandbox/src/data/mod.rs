//! The generated workspaces: people, channels, posts, and the operations that change them.
//! One model serves both providers; each provider's module renders it in its wire format.

mod channel;
mod generate;
pub(crate) mod mail;
mod people;
pub(crate) mod rng;
mod specs;
mod text;

pub(crate) use generate::{GenConfig, generate};
pub(crate) use rng::Rng;

use std::collections::HashMap;

/// Microseconds in a day.
pub(crate) const DAY_US: i64 = 86_400_000_000;

/// One provider's workspace (a Slack team, a Mattermost team).
#[derive(Debug)]
pub(crate) struct Workspace {
    pub team_id: String,
    /// Slack: the workspace name; Mattermost: the team's display name.
    pub team_name: String,
    /// Slack: the workspace domain; Mattermost: the team's URL name.
    pub team_slug: String,
    pub created_us: i64,
    pub users: Vec<User>,
    pub channels: Vec<Channel>,
    /// Index of the demo user, owner of the built-in token.
    pub me: usize,
}

impl Workspace {
    /// The channel with `id`.
    pub(crate) fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    pub(crate) fn channel_mut(&mut self, id: &str) -> Option<&mut Channel> {
        self.channels.iter_mut().find(|c| c.id == id)
    }

    /// The index of the user with `id`.
    pub(crate) fn user_index(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| u.id == id)
    }
}

/// A person with an account.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: &'static str,
    pub tz: &'static str,
    pub tz_label: &'static str,
    pub tz_offset: i32,
    pub created_us: i64,
    /// Deactivated accounts keep their posts.
    pub deleted_us: Option<i64>,
}

impl User {
    pub(crate) fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A channel and its posts, in creation order.
#[derive(Debug)]
pub(crate) struct Channel {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub purpose: String,
    pub private: bool,
    pub archived_us: Option<i64>,
    pub created_us: i64,
    pub creator: usize,
    /// User indices, sorted.
    pub members: Vec<usize>,
    pub topics: Vec<String>,
    pub hot_topics: Vec<String>,
    /// Sorted by `created_us`, which is unique within the channel.
    pub posts: Vec<Post>,
    /// A direct or group message rather than a channel.
    pub conversation: Option<Conversation>,
    pub by_id: HashMap<String, usize>,
}

/// A conversation between people rather than a channel: Slack `is_im`/`is_mpim`, Mattermost
/// types `D`/`G`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Conversation {
    /// Between two people.
    Direct,
    /// Between three or more.
    Group,
}

/// A notice the provider posts itself, rendered with each provider's type: Slack's
/// `subtype`, Mattermost's `system_*` `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// Someone joined (`channel_join`, `system_join_channel`).
    Join,
    /// Someone left (`channel_leave`, `system_leave_channel`).
    Leave,
    /// The topic or header changed (`channel_topic`, `system_header_change`).
    Topic,
    /// The purpose changed (`channel_purpose`, `system_purpose_change`).
    Purpose,
}

impl Notice {
    pub(crate) fn slack_subtype(self) -> &'static str {
        match self {
            Self::Join => "channel_join",
            Self::Leave => "channel_leave",
            Self::Topic => "channel_topic",
            Self::Purpose => "channel_purpose",
        }
    }

    pub(crate) fn mattermost_type(self) -> &'static str {
        match self {
            Self::Join => "system_join_channel",
            Self::Leave => "system_leave_channel",
            Self::Topic => "system_header_change",
            Self::Purpose => "system_purpose_change",
        }
    }
}

/// Who wrote a post, as the providers mark it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The post's user.
    #[default]
    Person,
    /// A bot or app posting under `name` (Slack `bot_message` with `bot_id` and `username`;
    /// Mattermost `props.from_bot` and `override_username`, by the post's user as the bot
    /// account).
    Bot { name: String },
    /// An incoming webhook created by the post's user (Slack `bot_message`, named `name` or the
    /// hook's app; Mattermost `props.from_webhook`, `override_username` when `name` is given,
    /// and `webhook_display_name`).
    Webhook { name: Option<String> },
    /// A notice of the provider's own about the post's user.
    System(Notice),
}

/// The app name Slack shows for a webhook that does not override it, and Mattermost's
/// `webhook_display_name`.
pub const WEBHOOK_APP_NAME: &str = "Sandbox Alerts";

/// A message. Slack's `ts` is `created_us` written as seconds; Mattermost's id is `id`.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub id: String,
    pub user: usize,
    pub created_us: i64,
    pub updated_us: i64,
    /// Time and author of the last edit.
    pub edited: Option<(i64, usize)>,
    pub deleted_us: Option<i64>,
    pub text: String,
    /// Index of the thread's root post.
    pub root: Option<usize>,
    /// Indices of the replies, in order.
    pub replies: Vec<usize>,
    /// A person's, a bot's, a webhook's or the provider's.
    pub origin: Origin,
    /// The versions its edits replaced, oldest first.
    pub revisions: Vec<Revision>,
    /// Message attachments in Slack's format (Mattermost's `props.attachments` too).
    pub attachments: Vec<serde_json::Value>,
    /// The names of the files it shares.
    pub files: Vec<String>,
}

/// A version of a post that an edit replaced. Mattermost keeps each as a deleted copy of the
/// post with its own id (`original_id` naming the post); Slack keeps nothing. Its text is not
/// kept: Mattermost answers deleted posts without their message.
#[derive(Debug, Clone)]
pub(crate) struct Revision {
    /// The version's own last edit.
    pub edited: Option<(i64, usize)>,
    /// When the edit replaced it.
    pub replaced_us: i64,
}

impl Post {
    pub(crate) fn is_live(&self) -> bool {
        self.deleted_us.is_none()
    }
}

/// Slack's `ts` for a time in microseconds: `"1512085950.000216"`.
pub(crate) fn slack_ts(us: i64) -> String {
    format!("{}.{:06}", us.div_euclid(1_000_000), us.rem_euclid(1_000_000))
}

/// Parses a Slack timestamp (`"1512085950.000216"`, `"1512085950"`, `"1512085950.5"`).
pub(crate) fn parse_slack_ts(ts: &str) -> Option<i64> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit()) || secs.len() > 12 {
        return None;
    }
    if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    let micros: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().ok()? };
    Some(secs * 1_000_000 + micros)
}

/// Identifiers as each provider writes them.
pub(crate) mod ids {
    use super::rng::Rng;

    const SLACK_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const MATTERMOST_ALPHABET: &[u8] = b"ybndrfg8ejkmcpqxot1uwisza345h769";

    /// `U0A1B2C3D4E` style: a type letter and ten characters.
    pub(crate) fn slack(rng: &mut Rng, prefix: char) -> String {
        let mut id = String::with_capacity(11);
        id.push(prefix);
        id.push_str(&rng.token(SLACK_ALPHABET, 10));
        id
    }

    /// Mattermost's 26-character identifiers.
    pub(crate) fn mattermost(rng: &mut Rng) -> String {
        rng.token(MATTERMOST_ALPHABET, 26)
    }
}
