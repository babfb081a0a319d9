//! Mattermost's posts and users as the domain's posts and people: who wrote a post (a person,
//! a bot or webhook, or the server itself) and the one name each is shown by.

use switchboard_domain::chat::{
    ChannelKind, ChannelRef, ChatPost, ChatUser, PostKind, person_name,
};
use switchboard_domain::chat_attachments::{MessageAttachment, or_file_names, with_attachments};

use crate::wire::{self, PostProps};

/// The author id of a post that names no one.
const SYSTEM_AUTHOR: &str = "system";

/// Who wrote `post`: the server for its `system_*` notices; a bot for a webhook's post
/// (`props.from_webhook`), a bot account's (`props.from_bot`) or a plugin's (`custom_*`
/// types); otherwise a person.
pub(crate) fn kind(post: &wire::Post) -> PostKind {
    let props = &post.props;
    if post.kind.starts_with("system_") {
        PostKind::System
    } else if PostProps::flag(props.from_webhook.as_ref())
        || PostProps::flag(props.from_bot.as_ref())
        || post.kind.starts_with("custom_")
    {
        PostKind::Bot
    } else if post.user_id.is_empty() {
        PostKind::System
    } else {
        PostKind::User
    }
}

/// A post's author. A webhook posts as the user who created it: its posts are credited to the
/// webhook instead, by the name they show (`props.override_username`, else the webhook's
/// `webhook_display_name`), as `webhook:<name>`. A bot account's post shows its
/// `override_username` when set, else the account's name (looked up like a person's).
fn author(post: &wire::Post, kind: PostKind) -> (String, Option<String>) {
    let props = &post.props;
    let overridden = PostProps::text(props.override_username.as_ref());
    if PostProps::flag(props.from_webhook.as_ref()) {
        let shown = overridden
            .or_else(|| PostProps::text(props.webhook_display_name.as_ref()))
            .unwrap_or("webhook");
        return (format!("webhook:{shown}"), Some(shown.to_owned()));
    }
    if post.user_id.is_empty() {
        return (SYSTEM_AUTHOR.to_owned(), Some(SYSTEM_AUTHOR.to_owned()));
    }
    let name = if kind == PostKind::Bot { overridden.map(str::to_owned) } else { None };
    (post.user_id.clone(), name)
}

/// The names of the files a live post shares (`metadata.files`).
fn file_names(p: &wire::Post) -> impl Iterator<Item = &str> {
    let live = p.delete_at == 0;
    let files = p.metadata.get("files").and_then(serde_json::Value::as_array).filter(|_| live);
    files.into_iter().flatten().filter_map(|f| f.get("name").and_then(serde_json::Value::as_str))
}

/// A wire post as a domain post, its text followed by its attachments' words (see
/// [`with_attachments`]), or its files' names when it has no words ([`or_file_names`]);
/// `None` without a creation time, and for the copy an edit
/// keeps of the version it replaced (`original_id` set): `since` answers list those copies
/// as deleted posts of their own, which would be stored as such.
pub(crate) fn post(p: &wire::Post) -> Option<ChatPost> {
    if !p.original_id.is_empty() {
        return None;
    }
    let kind = kind(p);
    let (author_id, author_name) = author(p, kind);
    Some(ChatPost {
        id: p.id.clone(),
        channel_id: p.channel_id.clone(),
        author_id,
        author_name,
        kind,
        // Markdown, as written: nothing to decode.
        text: or_file_names(
            with_attachments(
                &p.message,
                &MessageAttachment::all_of(&p.props.attachments),
                str::to_owned,
            ),
            file_names(p),
        ),
        posted_at: wire::time(p.create_at)?,
        edited_at: wire::time(p.edit_at),
        deleted: p.delete_at > 0,
        thread_root: Some(p.root_id.clone()).filter(|r| !r.is_empty()),
    })
}

/// A user as a person, named by [`person_name`]: the nickname, else the first and last names,
/// else the username.
pub(crate) fn user(u: wire::User) -> ChatUser {
    let full = format!("{} {}", u.first_name.trim(), u.last_name.trim());
    let display_name = person_name(Some(&u.nickname), Some(&full), &u.username);
    ChatUser {
        display_name: if display_name.is_empty() { u.id.clone() } else { display_name },
        id: u.id,
        username: u.username,
        deleted: u.delete_at > 0,
    }
}

/// A listed channel as a [`ChannelRef`]. A direct or group channel belongs to no team: it
/// takes `team_id`, the team it was listed in. It is shown by the name people see: `partner`
/// (given for a direct channel, whose display name Mattermost leaves empty: the other
/// member), else the display name (`Town Square`; a group's members' usernames), else the
/// URL name (`town-square`).
pub(crate) fn channel(c: wire::Channel, team_id: &str, partner: Option<&str>) -> ChannelRef {
    let kind = match c.kind.as_str() {
        "P" => ChannelKind::Private,
        "D" => ChannelKind::Direct,
        "G" => ChannelKind::Group,
        _ => ChannelKind::Public,
    };
    let display_name = Some(c.display_name.trim()).filter(|n| !n.is_empty());
    let name = partner.or(display_name).map_or(c.name.clone(), str::to_owned);
    let team_id = if c.team_id.is_empty() { team_id.to_owned() } else { c.team_id };
    ChannelRef { id: c.id, name, team_id, kind, archived: false }
}

/// The other member of a direct channel named `name` (`<id>__<id>`), for the user `me`;
/// `me` for the channel with oneself; `None` for a name of another shape.
pub(crate) fn direct_partner<'a>(name: &'a str, me: &str) -> Option<&'a str> {
    let (first, second) = name.split_once("__")?;
    Some(if first == me { second } else { first })
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn wire_post(json: serde_json::Value) -> wire::Post {
        let mut base = serde_json::json!({"id": "p1", "create_at": 1, "channel_id": "c1"});
        if let (Some(base), Some(extra)) = (base.as_object_mut(), json.as_object()) {
            base.extend(extra.clone());
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn system_webhook_and_bot_posts_are_told_apart() {
        let system = wire_post(serde_json::json!({"user_id": "u1", "type": "system_join_channel"}));
        assert_eq!(kind(&system), PostKind::System);
        let person = wire_post(serde_json::json!({"user_id": "u1", "type": ""}));
        assert_eq!(kind(&person), PostKind::User);
        let bot = wire_post(serde_json::json!({"user_id": "b1", "props": {"from_bot": "true"}}));
        assert_eq!(kind(&bot), PostKind::Bot);
        let plugin = wire_post(serde_json::json!({"user_id": "u1", "type": "custom_poll"}));
        assert_eq!(kind(&plugin), PostKind::Bot);
    }

    #[test]
    fn a_webhook_post_is_credited_to_the_webhook_never_its_creator() {
        let named = wire_post(serde_json::json!({
            "user_id": "creator", "props": {"from_webhook": "true", "override_username": "Jenkins"}
        }));
        let p = post(&named).unwrap();
        assert_eq!(p.kind, PostKind::Bot);
        assert_eq!(
            (p.author_id.as_str(), p.author_name.as_deref()),
            ("webhook:Jenkins", Some("Jenkins"))
        );
        let unnamed = wire_post(serde_json::json!({
            "user_id": "creator",
            "props": {"from_webhook": "true", "webhook_display_name": "Alerts"}
        }));
        let p = post(&unnamed).unwrap();
        assert_eq!(
            (p.author_id.as_str(), p.author_name.as_deref()),
            ("webhook:Alerts", Some("Alerts"))
        );
        let bare =
            wire_post(serde_json::json!({"user_id": "creator", "props": {"from_webhook": true}}));
        assert_eq!(post(&bare).unwrap().author_id, "webhook:webhook");
    }

    #[test]
    fn an_edits_copy_of_the_replaced_version_is_no_post() {
        let copy = wire_post(serde_json::json!({
            "id": "copy", "original_id": "p1", "delete_at": 5, "user_id": "u1"
        }));
        assert!(post(&copy).is_none());
        let edited = wire_post(serde_json::json!({"original_id": "", "edit_at": 5}));
        assert!(post(&edited).is_some());
    }

    #[test]
    fn channels_are_shown_by_the_name_people_see() {
        let listed =
            |json: serde_json::Value| -> wire::Channel { serde_json::from_value(json).unwrap() };
        let open = listed(serde_json::json!({"id": "c1", "type": "O", "team_id": "t1",
                                             "name": "town-square", "display_name": "Town Square"}));
        let open = channel(open, "t2", None);
        assert_eq!((open.name.as_str(), open.team_id.as_str()), ("Town Square", "t1"));
        let bare = listed(serde_json::json!({"id": "c2", "type": "P", "name": "ops"}));
        assert_eq!(channel(bare, "t1", None).name, "ops");
        let group = listed(serde_json::json!({"id": "c3", "type": "G", "name": "4b5e0c3b8c2a",
                                              "display_name": "ada, bob, demo"}));
        let group = channel(group, "t1", None);
        assert_eq!((group.name.as_str(), group.kind), ("ada, bob, demo", ChannelKind::Group));
        assert_eq!(group.team_id, "t1", "a group belongs to the team it was listed in");
        let direct = listed(serde_json::json!({"id": "c4", "type": "D", "name": "me__ada",
                                               "display_name": ""}));
        assert_eq!(channel(direct, "t1", Some("ada.l")).name, "ada.l");
        assert_eq!(direct_partner("me__ada", "me"), Some("ada"));
        assert_eq!(direct_partner("ada__me", "me"), Some("ada"));
        assert_eq!(direct_partner("me__me", "me"), Some("me"));
        assert_eq!(direct_partner("town-square", "me"), None);
    }

    #[test]
    fn people_are_named_by_the_one_rule() {
        let user =
            |json: serde_json::Value| -> wire::User { serde_json::from_value(json).unwrap() };
        let nick = user(serde_json::json!({"id": "u1", "username": "ada", "first_name": "Ada",
                                           "last_name": "Lovelace", "nickname": "countess"}));
        assert_eq!(super::user(nick).display_name, "countess");
        let full = user(serde_json::json!({"id": "u1", "username": "ada", "first_name": "Ada",
                                           "last_name": "Lovelace"}));
        assert_eq!(super::user(full).display_name, "Ada Lovelace");
        let bare = user(serde_json::json!({"id": "u1", "username": "ada"}));
        assert_eq!(super::user(bare).display_name, "ada");
    }
}
