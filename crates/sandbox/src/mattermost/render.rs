//! Mattermost's objects (`User`, `Team`, `Channel`, `Post`) as the API reference shows them.
//! Times are milliseconds since the epoch.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::data::{
    Channel, Conversation, Origin, Post, Rng, User, WEBHOOK_APP_NAME, Workspace, ids,
};

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
    let (name, display_name) = names(ws, c);
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
        "display_name": display_name,
        "name": name,
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

/// A channel's `name` and `display_name`. A direct channel is named after its members' ids,
/// sorted (`<id>__<id>`), without a display name: each member's client shows the other
/// person. A group channel is named after a hash of its members' ids (the server's SHA-1,
/// here SHA-256 cut to the same 40 hex digits) and displayed as their usernames, sorted,
/// comma-separated.
fn names<'a>(ws: &Workspace, c: &'a Channel) -> (Cow<'a, str>, Cow<'a, str>) {
    let sorted = |field: fn(&User) -> &str| {
        let mut values: Vec<&str> = c.members.iter().map(|&m| field(&ws.users[m])).collect();
        values.sort_unstable();
        values
    };
    match c.conversation {
        None => (Cow::Borrowed(&c.name), Cow::Borrowed(&c.display_name)),
        Some(Conversation::Direct) => (Cow::Owned(sorted(|u| &u.id).join("__")), Cow::Borrowed("")),
        Some(Conversation::Group) => {
            let digest = Sha256::digest(sorted(|u| &u.id).concat().as_bytes());
            let name = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
            (Cow::Owned(name), Cow::Owned(sorted(|u| &u.username).join(", ")))
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct MmPost<'a> {
    id: Cow<'a, str>,
    create_at: i64,
    update_at: i64,
    edit_at: i64,
    delete_at: i64,
    is_pinned: bool,
    user_id: &'a str,
    channel_id: &'a str,
    root_id: &'a str,
    original_id: &'a str,
    message: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    props: Value,
    hashtags: &'static str,
    pending_post_id: &'static str,
    reply_count: usize,
    last_reply_at: i64,
    participants: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    file_ids: Vec<String>,
    metadata: Value,
}

impl MmPost<'_> {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }
}

/// A post; a deleted one keeps its ids and times but loses its message, as the server's
/// `PreparePostForClient` does.
pub(crate) fn post<'a>(ws: &'a Workspace, c: &'a Channel, index: usize) -> MmPost<'a> {
    let p: &Post = &c.posts[index];
    let root_index = p.root.unwrap_or(index);
    let replies: Vec<&Post> = c.live_replies(root_index).collect();
    let files = files(p);
    MmPost {
        id: Cow::Borrowed(&p.id),
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
        props: props(p),
        hashtags: "",
        pending_post_id: "",
        reply_count: replies.len(),
        last_reply_at: if p.root.is_none() {
            replies.last().map_or(0, |r| ms(r.created_us))
        } else {
            0
        },
        participants: None,
        file_ids: files.iter().map(|f| f["id"].as_str().unwrap_or_default().to_owned()).collect(),
        metadata: if files.is_empty() { json!({}) } else { json!({"files": files}) },
    }
}

/// The `FileInfo` of each file a live post shares (a deleted post's are not shown).
fn files(p: &Post) -> Vec<Value> {
    if !p.is_live() {
        return Vec::new();
    }
    let ids = (0..p.files.len()).map(|n| format!("{}f{n}", &p.id[..p.id.len().min(24)]));
    ids.zip(&p.files)
        .map(|(id, name)| {
            let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
            json!({"id": id, "post_id": p.id, "name": name, "extension": extension, "size": 1024})
        })
        .collect()
}

/// A post's `props`: how a bot or webhook posted it, and its attachments.
fn props(p: &Post) -> Value {
    let mut props = match &p.origin {
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
    };
    if !p.attachments.is_empty() {
        props["attachments"] = Value::Array(p.attachments.clone());
    }
    props
}

/// The copy Mattermost keeps of the `n`th version an edit replaced (`PostStore.Update`): the
/// post as it was, under a new id, `original_id` naming the post, deleted (and so without its
/// message) when the edit was made. Deleting a thread's root stamps its replies' copies too
/// (`PostStore.Delete` updates every post whose `root_id` is the root).
pub(crate) fn edit_copy<'a>(
    ws: &'a Workspace,
    c: &'a Channel,
    index: usize,
    n: usize,
) -> Option<MmPost<'a>> {
    let p = c.posts.get(index)?;
    let revision = p.revisions.get(n)?;
    let deleted = ms(copy_deleted_us(c, index, n)?);
    Some(MmPost {
        id: Cow::Owned(copy_id(&p.id, n)),
        update_at: deleted,
        edit_at: revision.edited.map_or(0, |(at, _)| ms(at)),
        delete_at: deleted,
        original_id: &p.id,
        message: "",
        ..post(ws, c, index)
    })
}

/// When the copy of the `n`th replaced version of the post at `index` was last stamped: its
/// edit, or the later deletion of its thread's root.
pub(crate) fn copy_deleted_us(c: &Channel, index: usize, n: usize) -> Option<i64> {
    let p = c.posts.get(index)?;
    let replaced = p.revisions.get(n)?.replaced_us;
    let root_deleted = p.root.and_then(|r| c.posts.get(r)?.deleted_us);
    Some(root_deleted.map_or(replaced, |at| at.max(replaced)))
}

/// A stable id for the copy of the `n`th replaced version of `post_id`: the same on every
/// answer, in Mattermost's shape.
fn copy_id(post_id: &str, n: usize) -> String {
    // FNV-1a of the post id seeds the generator.
    let seed = post_id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    ids::mattermost(&mut Rng::new(seed, n as u64 + 1))
}
