//! Slack's objects: user, conversation, message, as the method references show them.

use serde::Serialize;

use crate::data::{self, Channel, Origin, Post, User, WEBHOOK_APP_NAME, Workspace, slack_ts};

#[derive(Debug, Serialize)]
pub(crate) struct SlackUser<'a> {
    id: &'a str,
    team_id: &'a str,
    name: &'a str,
    deleted: bool,
    color: &'static str,
    real_name: String,
    tz: &'static str,
    tz_label: &'static str,
    tz_offset: i32,
    profile: Profile<'a>,
    is_admin: bool,
    is_owner: bool,
    is_primary_owner: bool,
    is_restricted: bool,
    is_ultra_restricted: bool,
    is_bot: bool,
    is_app_user: bool,
    updated: i64,
    is_email_confirmed: bool,
    who_can_share_contact_card: &'static str,
}

#[derive(Debug, Serialize)]
struct Profile<'a> {
    title: &'static str,
    phone: &'static str,
    skype: &'static str,
    real_name: String,
    real_name_normalized: String,
    display_name: String,
    display_name_normalized: String,
    first_name: &'a str,
    last_name: &'a str,
    status_text: &'static str,
    status_emoji: &'static str,
    status_expiration: i64,
    avatar_hash: &'static str,
    email: &'a str,
    team: &'a str,
}

pub(crate) fn user<'a>(ws: &'a Workspace, user: &'a User) -> SlackUser<'a> {
    let real_name = user.full_name();
    SlackUser {
        id: &user.id,
        team_id: &ws.team_id,
        name: &user.username,
        deleted: user.deleted_us.is_some(),
        color: "9f69e7",
        real_name: real_name.clone(),
        tz: user.tz,
        tz_label: user.tz_label,
        tz_offset: user.tz_offset,
        profile: Profile {
            title: user.title,
            phone: "",
            skype: "",
            real_name_normalized: real_name.clone(),
            display_name: real_name.clone(),
            display_name_normalized: real_name.clone(),
            real_name,
            first_name: &user.first_name,
            last_name: &user.last_name,
            status_text: "",
            status_emoji: "",
            status_expiration: 0,
            avatar_hash: "g0000000000a",
            email: &user.email,
            team: &ws.team_id,
        },
        is_admin: false,
        is_owner: false,
        is_primary_owner: false,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: false,
        is_app_user: false,
        updated: user.deleted_us.unwrap_or(user.created_us) / 1_000_000,
        is_email_confirmed: true,
        who_can_share_contact_card: "EVERYONE",
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Conversation<'a> {
    id: &'a str,
    name: &'a str,
    is_channel: bool,
    is_group: bool,
    is_im: bool,
    is_mpim: bool,
    is_private: bool,
    created: i64,
    is_archived: bool,
    is_general: bool,
    unlinked: i64,
    name_normalized: &'a str,
    is_shared: bool,
    is_org_shared: bool,
    is_pending_ext_shared: bool,
    pending_shared: [&'static str; 0],
    context_team_id: &'a str,
    updated: i64,
    parent_conversation: Option<&'static str>,
    creator: &'a str,
    is_ext_shared: bool,
    shared_team_ids: [&'a str; 1],
    pending_connected_team_ids: [&'static str; 0],
    is_member: bool,
    topic: Text<'a>,
    purpose: Text<'a>,
    previous_names: [&'static str; 0],
    num_members: usize,
}

#[derive(Debug, Serialize)]
struct Text<'a> {
    value: &'a str,
    creator: &'a str,
    last_set: i64,
}

pub(crate) fn conversation<'a>(ws: &'a Workspace, c: &'a Channel, me: usize) -> Conversation<'a> {
    let creator = &ws.users[c.creator].id;
    let created = c.created_us / 1_000_000;
    Conversation {
        id: &c.id,
        name: &c.name,
        is_channel: c.conversation.is_none(),
        is_group: false,
        is_im: c.conversation == Some(data::Conversation::Direct),
        is_mpim: c.conversation == Some(data::Conversation::Group),
        is_private: c.private,
        created,
        is_archived: c.archived_us.is_some(),
        is_general: c.name == "general",
        unlinked: 0,
        name_normalized: &c.name,
        is_shared: false,
        is_org_shared: false,
        is_pending_ext_shared: false,
        pending_shared: [],
        context_team_id: &ws.team_id,
        updated: c.archived_us.unwrap_or(c.created_us) / 1000,
        parent_conversation: None,
        creator,
        is_ext_shared: false,
        shared_team_ids: [&ws.team_id],
        pending_connected_team_ids: [],
        is_member: c.is_member(me),
        topic: Text { value: "", creator: "", last_set: 0 },
        purpose: Text { value: &c.purpose, creator, last_set: created },
        previous_names: [],
        num_members: c.members.len(),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Message<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtype: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bot_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bot_profile: Option<BotProfile<'a>>,
    text: &'a str,
    ts: String,
    team: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hidden: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edited: Option<Edited<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thread_ts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_users_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_reply: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_users: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_locked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subscribed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_user_id: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    attachments: &'a [serde_json::Value],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct BotProfile<'a> {
    id: String,
    name: &'a str,
    deleted: bool,
    team_id: &'a str,
}

/// A bot's id, stable for its name (`B` and hex digits, as Slack's look).
fn bot_id(name: &str) -> String {
    let hash = name
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("B{:010X}", hash & 0xFF_FFFF_FFFF)
}

#[derive(Debug, Serialize)]
struct Edited<'a> {
    user: &'a str,
    ts: String,
}

/// Whether `conversations.history` shows the post at `index`: top-level messages, and
/// deleted thread parents whose replies live on (as tombstones).
pub(crate) fn in_history(c: &Channel, index: usize) -> bool {
    let post = &c.posts[index];
    post.root.is_none() && (post.is_live() || c.live_replies(index).next().is_some())
}

/// A message as `conversations.history` and `conversations.replies` show it.
pub(crate) fn message<'a>(ws: &'a Workspace, c: &'a Channel, index: usize) -> Message<'a> {
    let post: &Post = &c.posts[index];
    let ts = slack_ts(post.created_us);
    let mut m = Message {
        kind: "message",
        subtype: None,
        user: Some(&ws.users[post.user].id),
        bot_id: None,
        username: None,
        bot_profile: None,
        text: &post.text,
        ts: ts.clone(),
        team: &ws.team_id,
        hidden: None,
        edited: post.edited.map(|(at, by)| Edited { user: &ws.users[by].id, ts: slack_ts(at) }),
        thread_ts: None,
        reply_count: None,
        reply_users_count: None,
        latest_reply: None,
        reply_users: None,
        is_locked: None,
        subscribed: None,
        parent_user_id: None,
        attachments: &post.attachments,
        files: post
            .files
            .iter()
            .enumerate()
            .map(|(n, name)| {
                serde_json::json!({
                    "id": format!("F{}{n}", ts.replace('.', "")),
                    "name": name,
                    "title": name,
                    "mode": "hosted",
                })
            })
            .collect(),
    };
    match &post.origin {
        // A person's upload: Slack's `file_share` message.
        Origin::Person if !post.files.is_empty() => m.subtype = Some("file_share"),
        Origin::Person => {}
        Origin::Bot { name } => {
            // A bot's message names no user: `bot_id`, the name it posted under, its app.
            m.subtype = Some("bot_message");
            m.user = None;
            m.bot_id = Some(bot_id(name));
            m.username = Some(name);
            m.bot_profile =
                Some(BotProfile { id: bot_id(name), name, deleted: false, team_id: &ws.team_id });
        }
        Origin::Webhook { name } => {
            m.subtype = Some("bot_message");
            m.user = None;
            m.bot_id = Some(bot_id(WEBHOOK_APP_NAME));
            m.username = Some(name.as_deref().unwrap_or(WEBHOOK_APP_NAME));
        }
        Origin::System(notice) => m.subtype = Some(notice.slack_subtype()),
    }
    if let Some(root) = post.root.and_then(|r| c.posts.get(r)) {
        m.thread_ts = Some(slack_ts(root.created_us));
        m.parent_user_id = Some(&ws.users[root.user].id);
        return m;
    }
    let replies: Vec<&Post> = c.live_replies(index).collect();
    if !post.is_live() {
        m.subtype = Some("tombstone");
        m.user = Some("USLACKBOT");
        m.bot_id = None;
        m.username = None;
        m.bot_profile = None;
        m.text = "This message was deleted.";
        m.attachments = &[];
        m.files = Vec::new();
        m.hidden = Some(true);
        m.edited = None;
    }
    if let Some(last) = replies.last() {
        let mut users: Vec<&str> = Vec::new();
        for reply in &replies {
            let id = ws.users[reply.user].id.as_str();
            if !users.contains(&id) {
                users.push(id);
            }
        }
        m.thread_ts = Some(ts);
        m.reply_count = Some(replies.len());
        m.reply_users_count = Some(users.len());
        m.latest_reply = Some(slack_ts(last.created_us));
        users.truncate(5);
        m.reply_users = Some(users);
        m.is_locked = Some(false);
        m.subscribed = Some(false);
    }
    m
}
