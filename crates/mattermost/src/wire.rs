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
    #[serde(default)]
    pub name: String,
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
    #[serde(default)]
    pub message: String,
}

/// A time in milliseconds since the epoch; `None` for 0 (Mattermost's "never").
pub(crate) fn time(ms: i64) -> Option<DateTime<Utc>> {
    if ms == 0 { None } else { DateTime::from_timestamp_millis(ms) }
}
