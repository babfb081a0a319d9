//! Mattermost's objects (`User`, `Team`, `Channel`, `Post`) as the API reference shows them.
//! Times are milliseconds since the epoch.

use serde::Serialize;
use serde_json::{Value, json};

use crate::data::{Channel, Conversation, Origin, Post, User, WEBHOOK_APP_NAME, Workspace};

fn ms(us: i64) -> i64 {
    us.div_euclid(1000)
}

#[derive(Debug, Serialize)]
pub(crate) struct MmUser<'a> {
    id: &'a str,
    create_at: i64,
    update_at: i64,
    delete_at: i64,
    username: &'a str,
    auth_data: &'static str,
    auth_service: &'static str,
    email: &'a str,
    email_verified: bool,
    nickname: &'static str,
    first_name: &'a str,
    last_name: &'a str,
    position: &'static str,
    roles: &'static str,
    locale: &'static str,
    timezone: Value,
    is_bot: bool,
    last_picture_update: i64,
    props: Value,
}

pub(crate) fn user(user: &User) -> MmUser<'_> {
    MmUser {
        id: &user.id,
        create_at: ms(user.created_us),
        update_at: ms(user.deleted_us.unwrap_or(user.created_us)),
        delete_at: user.deleted_us.map_or(0, ms),
        username: &user.username,
        auth_data: "",
        auth_service: "",
        email: &user.email,
        email_verified: true,
        nickname: "",
        first_name: &user.first_name,
        last_name: &user.last_name,
        position: user.title,
        roles: "system_user",
        locale: "en",
        timezone: json!({
            "automaticTimezone": user.tz,
            "manualTimezone": "",
            "useAutomaticTimezone": "true",
        }),
        is_bot: false,
        last_picture_update: 0,
        props: json!({}),
    }
}

pub(crate) fn team(ws: &Workspace) -> Value {
    json!({
        "id": ws.team_id,
        "create_at": ms(ws.created_us),
        "update_at": ms(ws.created_us),
        "delete_at": 0,
        "display_name": ws.team_name,
        "name": ws.team_slug,
        "description": "",
        "email": "",
        "type": "I",
        "company_name": "",
        "allowed_domains": "",
        "invite_id": "",
        "allow_open_invite": false,
        "scheme_id": null,
        "group_constrained": null,
        "policy_id": null,
    })
}

pub(crate) fn channel(ws: &Workspace, c: &Channel) -> Value {
    let live = || c.posts.iter().filter(|p| p.is_live());
    let last_post_at = live().map(|p| p.created_us).max().map_or(0, ms);
    let last_root_post_at = live().filter(|p| p.root.is_none()).map(|p| p.created_us).max();
    json!({
        "id": c.id,
        "create_at": ms(c.created_us),
        "update_at": ms(c.archived_us.unwrap_or(c.created_us)),
        "delete_at": c.archived_us.map_or(0, ms),
        // Direct and group messages belong to no team.
        "team_id": if c.conversation.is_some() { "" } else { ws.team_id.as_str() },
        "type": match c.conversation {
            Some(Conversation::Direct) => "D",
            Some(Conversation::Group) => "G",
            None if c.private => "P",
            None => "O",
        },
        "display_name": c.display_name,
        "name": c.name,
        "header": "",
        "purpose": c.purpose,
        "last_post_at": last_post_at,
        "total_msg_count": live().count(),
        "extra_update_at": 0,
        "creator_id": ws.users[c.creator].id,
        "scheme_id": null,
        "props": null,
        "group_constrained": null,
        "shared": null,
        "total_msg_count_root": live().filter(|p| p.root.is_none()).count(),
        "policy_id": null,
        "last_root_post_at": last_root_post_at.map_or(0, ms),
    })
}

#[derive(Debug, Serialize)]
pub(crate) struct MmPost<'a> {
    id: &'a str,
    create_at: i64,
    update_at: i64,
    edit_at: i64,
    delete_at: i64,
    is_pinned: bool,
    user_id: &'a str,
    channel_id: &'a str,
    root_id: &'a str,
    original_id: &'static str,
    message: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    props: Value,
    hashtags: &'static str,
    pending_post_id: &'static str,
    reply_count: usize,
    last_reply_at: i64,
    participants: Option<Value>,
    metadata: Value,
}

/// A post; a deleted one keeps its ids and times but loses its message, as the server's
/// `PreparePostForClient` does.
pub(crate) fn post<'a>(ws: &'a Workspace, c: &'a Channel, index: usize) -> MmPost<'a> {
    let p: &Post = &c.posts[index];
    let root_index = p.root.unwrap_or(index);
    let replies: Vec<&Post> = c.live_replies(root_index).collect();
    MmPost {
        id: &p.id,
        create_at: ms(p.created_us),
        update_at: ms(p.updated_us),
        edit_at: p.edited.map_or(0, |(at, _)| ms(at)),
        delete_at: p.deleted_us.map_or(0, ms),
        is_pinned: false,
        user_id: &ws.users[p.user].id,
        channel_id: &c.id,
        root_id: p.root.map_or("", |r| c.posts[r].id.as_str()),
        original_id: "",
        message: if p.is_live() { &p.text } else { "" },
        kind: match p.origin {
            Origin::System(notice) => notice.mattermost_type(),
            _ => "",
        },
        props: match &p.origin {
            Origin::Person | Origin::System(_) => json!({}),
            Origin::Bot { name } => json!({"from_bot": "true", "override_username": name}),
            Origin::Webhook { name: Some(name) } => json!({
                "from_webhook": "true",
                "override_username": name,
                "webhook_display_name": WEBHOOK_APP_NAME,
            }),
            Origin::Webhook { name: None } => {
                json!({"from_webhook": "true", "webhook_display_name": WEBHOOK_APP_NAME})
            }
        },
        hashtags: "",
        pending_post_id: "",
        reply_count: replies.len(),
        last_reply_at: if p.root.is_none() {
            replies.last().map_or(0, |r| ms(r.created_us))
        } else {
            0
        },
        participants: None,
        metadata: json!({}),
    }
}
