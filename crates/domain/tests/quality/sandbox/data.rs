//! The sandbox's generator files, and the workspace model of its `data/mod.rs` restated.

#![expect(dead_code, reason = "the generator's model holds more than the test reads")]

#[path = "../../../../sandbox/src/data/channel.rs"]
mod channel;
#[path = "../../../../sandbox/src/data/generate.rs"]
pub mod generate;
#[path = "../../../../sandbox/src/data/people.rs"]
mod people;
#[path = "../../../../sandbox/src/data/rng.rs"]
pub mod rng;
#[path = "../../../../sandbox/src/data/specs.rs"]
pub mod specs;
#[path = "../../../../sandbox/src/data/text.rs"]
pub mod text;

use std::collections::HashMap;

pub const DAY_US: i64 = 86_400_000_000;

#[derive(Debug)]
pub struct Workspace {
    pub team_id: String,
    pub team_name: String,
    pub team_slug: String,
    pub created_us: i64,
    pub users: Vec<User>,
    pub channels: Vec<Channel>,
    pub me: usize,
}

#[derive(Debug, Clone)]
pub struct User {
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
    pub deleted_us: Option<i64>,
}

#[derive(Debug)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub purpose: String,
    pub private: bool,
    pub archived_us: Option<i64>,
    pub created_us: i64,
    pub creator: usize,
    pub members: Vec<usize>,
    pub topics: Vec<String>,
    pub hot_topics: Vec<String>,
    pub posts: Vec<Post>,
    pub conversation: Option<Conversation>,
    pub by_id: HashMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversation {
    Direct,
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Join,
    Leave,
    Topic,
    Purpose,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    #[default]
    Person,
    Bot {
        name: String,
    },
    Webhook {
        name: Option<String>,
    },
    System(Notice),
}

#[derive(Debug, Clone)]
pub struct Post {
    pub id: String,
    pub user: usize,
    pub created_us: i64,
    pub updated_us: i64,
    pub edited: Option<(i64, usize)>,
    pub deleted_us: Option<i64>,
    pub text: String,
    pub root: Option<usize>,
    pub replies: Vec<usize>,
    pub origin: Origin,
    pub revisions: Vec<Revision>,
    pub attachments: Vec<serde_json::Value>,
    pub files: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Revision {
    pub edited: Option<(i64, usize)>,
    pub replaced_us: i64,
}

impl Post {
    pub fn is_live(&self) -> bool {
        self.deleted_us.is_none()
    }
}

pub fn slack_ts(us: i64) -> String {
    format!("{}.{:06}", us.div_euclid(1_000_000), us.rem_euclid(1_000_000))
}

pub mod ids {
    use super::rng::Rng;

    const SLACK_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const MATTERMOST_ALPHABET: &[u8] = b"ybndrfg8ejkmcpqxot1uwisza345h769";

    pub fn slack(rng: &mut Rng, prefix: char) -> String {
        let mut id = String::with_capacity(11);
        id.push(prefix);
        id.push_str(&rng.token(SLACK_ALPHABET, 10));
        id
    }

    pub fn mattermost(rng: &mut Rng) -> String {
        rng.token(MATTERMOST_ALPHABET, 26)
    }
}
