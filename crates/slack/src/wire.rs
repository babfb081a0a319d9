//! The Slack Web API's JSON, as far as Switchboard reads it
//! (<https://docs.slack.dev/reference/methods>). Unknown fields are ignored.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The part every answer has: `ok`, and `error` when not.
#[derive(Debug, Deserialize)]
pub(crate) struct Status {
    pub ok: bool,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub needed: Option<String>,
    #[serde(default)]
    pub response_metadata: Option<Metadata>,
}

/// `response_metadata`: the next cursor, or argument errors.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Metadata {
    #[serde(default)]
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub messages: Vec<String>,
}

impl Metadata {
    /// The next cursor, `None` when empty (Slack's end of the list).
    pub(crate) fn next(self) -> Option<String> {
        self.next_cursor.filter(|c| !c.is_empty())
    }
}

/// `auth.test`.
#[derive(Debug, Deserialize)]
pub(crate) struct AuthTest {
    pub user_id: String,
    pub user: String,
    pub team_id: String,
    pub team: String,
}

/// `conversations.list`.
#[derive(Debug, Deserialize)]
pub(crate) struct ConversationList {
    pub channels: Vec<Conversation>,
    #[serde(default)]
    pub response_metadata: Option<Metadata>,
}

/// A conversation object.
#[derive(Debug, Deserialize)]
pub(crate) struct Conversation {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub is_private: bool,
    #[serde(default)]
    pub is_im: bool,
    #[serde(default)]
    pub is_mpim: bool,
    #[serde(default)]
    pub is_archived: bool,
    #[serde(default)]
    pub is_member: bool,
    #[serde(default)]
    pub context_team_id: Option<String>,
    #[serde(default)]
    pub shared_team_ids: Vec<String>,
}

/// `conversations.history` and `conversations.replies`.
#[derive(Debug, Deserialize)]
pub(crate) struct Messages {
    pub messages: Vec<Message>,
    #[serde(default)]
    pub response_metadata: Option<Metadata>,
}

/// A message object.
#[derive(Debug, Deserialize)]
pub(crate) struct Message {
    pub ts: String,
    #[serde(default)]
    pub subtype: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub thread_ts: Option<String>,
    #[serde(default)]
    pub reply_count: Option<u64>,
    #[serde(default)]
    pub latest_reply: Option<String>,
    #[serde(default)]
    pub edited: Option<Edited>,
    #[serde(default)]
    pub user_profile: Option<UserProfile>,
    /// The bot or app that posted it (`bot_message`, and app messages without a subtype).
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The name a bot or an incoming webhook posted under.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub bot_profile: Option<BotProfile>,
    /// Secondary attachments (an integration's alert, a build report), as they came.
    #[serde(default)]
    pub attachments: serde_json::Value,
    /// Block Kit layout blocks, as they came.
    #[serde(default)]
    pub blocks: serde_json::Value,
    /// The files it shares, as they came.
    #[serde(default)]
    pub files: serde_json::Value,
}

impl Message {
    /// A thread parent: its own `thread_ts`, with replies.
    pub(crate) fn is_thread_parent(&self) -> bool {
        self.thread_ts.as_deref() == Some(self.ts.as_str())
            && (self.reply_count.unwrap_or(0) > 0 || self.latest_reply.is_some())
    }

    /// A deleted parent kept for its replies.
    pub(crate) fn is_tombstone(&self) -> bool {
        self.subtype.as_deref() == Some("tombstone")
    }
}

/// `edited` on a message.
#[derive(Debug, Deserialize)]
pub(crate) struct Edited {
    pub ts: String,
}

/// `user_profile` on a message (present on some messages), and `profile` on a user.
#[derive(Debug, Deserialize)]
pub(crate) struct UserProfile {
    #[serde(default)]
    pub real_name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The username (only on a message's `user_profile`).
    #[serde(default)]
    pub name: Option<String>,
}

/// `bot_profile` on a message posted by an app.
#[derive(Debug, Deserialize)]
pub(crate) struct BotProfile {
    #[serde(default)]
    pub name: Option<String>,
}

/// `users.info`.
#[derive(Debug, Deserialize)]
pub(crate) struct UserInfo {
    pub user: User,
}

/// `users.list`.
#[derive(Debug, Deserialize)]
pub(crate) struct UserList {
    pub members: Vec<User>,
    #[serde(default)]
    pub response_metadata: Option<Metadata>,
}

/// A user object.
#[derive(Debug, Deserialize)]
pub(crate) struct User {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub real_name: Option<String>,
    #[serde(default)]
    pub profile: Option<UserProfile>,
}

/// Parses a Slack timestamp (`"1512085950.000216"`: seconds, then microseconds).
pub(crate) fn parse_ts(ts: &str) -> Option<DateTime<Utc>> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    let micros: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().ok()? };
    DateTime::from_timestamp_micros(secs.checked_mul(1_000_000)?.checked_add(micros)?)
}

/// Writes a time as a Slack timestamp, to the microsecond.
pub(crate) fn format_ts(at: DateTime<Utc>) -> String {
    let us = at.timestamp_micros();
    format!("{}.{:06}", us.div_euclid(1_000_000), us.rem_euclid(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_to_the_microsecond() {
        let at = parse_ts("1512085950.000216");
        assert_eq!(at.map(format_ts).as_deref(), Some("1512085950.000216"));
        assert_eq!(parse_ts("1512085950").map(format_ts).as_deref(), Some("1512085950.000000"));
        assert_eq!(parse_ts("15.5").map(format_ts).as_deref(), Some("15.500000"));
        assert!(parse_ts("x.1").is_none());
        assert!(parse_ts("1.1234567").is_none());
    }
}
