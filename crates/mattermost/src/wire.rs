//! The Mattermost API v4's JSON, as far as Switchboard reads it
//! (<https://developers.mattermost.com/api-documentation/>). Times are milliseconds since the
//! epoch; unknown fields are ignored.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The error body of every failed call.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AppError {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub message: String,
}

/// A `User`.
#[derive(Debug, Deserialize)]
pub(crate) struct User {
    pub id: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub nickname: String,
    #[serde(default)]
    pub delete_at: i64,
}

/// A `Team`.
#[derive(Debug, Deserialize)]
pub(crate) struct Team {
    pub id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub name: String,
}

/// A `Channel`.
#[derive(Debug, Deserialize)]
pub(crate) struct Channel {
    pub id: String,
    #[serde(default)]
    pub team_id: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The URL name (`town-square`); a direct channel's is its members' ids
    /// (`<id>__<id>`), a group's a hash of them.
    #[serde(default)]
    pub name: String,
    /// The name people see (`Town Square`); empty for a direct channel, the members'
    /// usernames for a group.
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub delete_at: i64,
}

/// A `PostList`: the ids in order, the posts by id (possibly more than `order` names: the
/// roots of the page's replies).
#[derive(Debug, Deserialize)]
pub(crate) struct PostList {
    #[serde(default)]
    pub order: Vec<String>,
    #[serde(default)]
    pub posts: HashMap<String, Post>,
}

/// A `Post`.
#[derive(Debug, Deserialize)]
pub(crate) struct Post {
    pub id: String,
    pub create_at: i64,
    #[serde(default)]
    pub edit_at: i64,
    #[serde(default)]
    pub delete_at: i64,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub channel_id: String,
    #[serde(default)]
    pub root_id: String,
    /// Set on the copy an edit keeps of the version it replaced (deleted, with an id of its
    /// own): the id of the post edited. Such a copy is no post of the channel.
    #[serde(default)]
    pub original_id: String,
    #[serde(default)]
    pub message: String,
    /// `""` for a person's post; `system_*` for the server's own notices (joins, header
    /// changes…); other types for plugins' posts.
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub props: PostProps,
    /// What the server adds to a post: its files' information (`metadata.files`), among
    /// others, as it came.
    #[serde(default)]
    pub metadata: serde_json::Value,
}

/// The `props` of a post that Switchboard reads: how a webhook or a bot posted it, and its
/// attachments.
/// Mattermost writes these flags as the strings `"true"` (sometimes as booleans).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PostProps {
    #[serde(default)]
    pub from_webhook: Option<serde_json::Value>,
    #[serde(default)]
    pub from_bot: Option<serde_json::Value>,
    #[serde(default)]
    pub override_username: Option<serde_json::Value>,
    #[serde(default)]
    pub webhook_display_name: Option<serde_json::Value>,
    /// Message attachments (Slack's format), as they came.
    #[serde(default)]
    pub attachments: serde_json::Value,
}

impl PostProps {
    /// Whether a flag is set (`"true"` or `true`).
    pub(crate) fn flag(value: Option<&serde_json::Value>) -> bool {
        match value {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => s == "true",
            _ => false,
        }
    }

    /// A text prop, trimmed; `None` when absent, not text or empty.
    pub(crate) fn text(value: Option<&serde_json::Value>) -> Option<&str> {
        value?.as_str().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// A time in milliseconds since the epoch; `None` for 0 (Mattermost's "never").
pub(crate) fn time(ms: i64) -> Option<DateTime<Utc>> {
    if ms == 0 { None } else { DateTime::from_timestamp_millis(ms) }
}
