//! Slack's messages and users as the domain's posts and people: who wrote a message (a person,
//! a bot or Slack itself) and the one name each is shown by.

use switchboard_domain::chat::{ChatPost, ChatUser, PostKind, person_name};
use switchboard_domain::chat_attachments::{MessageAttachment, or_file_names, with_attachments};

use crate::wire::{self, Message};
use crate::{blocks, text};

/// Subtypes of messages people write; every other subtype but `bot_message` is Slack's own
/// notice (`channel_join`, `channel_topic`, `pinned_item`…).
const PERSON_SUBTYPES: [&str; 5] =
    ["thread_broadcast", "file_share", "me_message", "tombstone", "reply_broadcast"];

/// The author id of a post that names no one (a notice of Slack's own).
const SYSTEM_AUTHOR: &str = "system";

/// Who wrote `message`: a bot (`bot_message`, or an app's message, which carries
/// `bot_profile`, or a `bot_id` and no user), the system (a subtype other than the people's,
/// or no author at all), else a person.
pub(crate) fn kind(message: &Message) -> PostKind {
    let subtype = message.subtype.as_deref();
    let bot = subtype == Some("bot_message")
        || message.bot_profile.is_some()
        || (message.bot_id.is_some() && message.user.is_none());
    if bot {
        PostKind::Bot
    } else if subtype.is_some_and(|s| !PERSON_SUBTYPES.contains(&s))
        || (message.user.is_none() && subtype != Some("tombstone"))
    {
        PostKind::System
    } else {
        PostKind::User
    }
}

/// A message as a post; `None` for a timestamp that is not one. `parent` is the thread's root
/// when the message was read as a reply. History, threads and events all map a message here,
/// so a post arriving as an event is the post a later sync reads: the same kind, author and
/// text (made plain by [`text::plain`]).
pub(crate) fn post(channel_id: &str, message: Message, parent: Option<&str>) -> Option<ChatPost> {
    let posted_at = wire::parse_ts(&message.ts)?;
    let deleted = message.is_tombstone();
    let kind = kind(&message);
    let thread_root = match (parent, message.thread_ts.as_deref()) {
        (Some(parent), _) => Some(parent.to_owned()),
        (None, Some(root)) if root != message.ts => Some(root.to_owned()),
        (None, _) => None,
    };
    let (author_id, author_name) =
        if deleted { (String::new(), None) } else { author(&message, kind) };
    Some(ChatPost {
        channel_id: channel_id.to_owned(),
        author_id,
        author_name,
        kind,
        text: if deleted { String::new() } else { words(&message) },
        posted_at,
        edited_at: message.edited.and_then(|e| wire::parse_ts(&e.ts)),
        deleted,
        thread_root,
        id: message.ts,
    })
}

/// A message's words: its text made plain by [`text::plain`] (or, when it has none, its
/// [`blocks`](crate::blocks)'), then its attachments' lines ([`with_attachments`]); with no
/// words at all, the titles of the files it shares ([`or_file_names`]).
fn words(message: &Message) -> String {
    let own = if message.text.trim().is_empty() {
        blocks::text(&message.blocks)
    } else {
        text::plain(&message.text)
    };
    let words =
        with_attachments(&own, &MessageAttachment::all_of(&message.attachments), text::plain);
    // A file's `title` (its name unless renamed); a file hidden or deleted has neither.
    let files = message.files.as_array().into_iter().flatten().filter_map(|file| {
        ["title", "name"].into_iter().find_map(|key| file.get(key).and_then(|v| v.as_str()))
    });
    or_file_names(words, files)
}

/// A post's author: a bot by its id and the name it posted under (`username`, set by
/// incoming webhooks and bots that override it, else the app's `bot_profile.name`), its id
/// then `bot_id:username` so that the names one app posts under are told apart; a person by
/// their id and, when the message carries their profile, [`person_name`] of it.
fn author(message: &Message, kind: PostKind) -> (String, Option<String>) {
    let user = message.user.as_deref().filter(|u| !u.is_empty());
    match kind {
        PostKind::Bot => {
            let shown = [
                message.username.as_deref(),
                message.bot_profile.as_ref().and_then(|p| p.name.as_deref()),
            ]
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|n| !n.is_empty());
            let id = message.bot_id.as_deref().filter(|b| !b.is_empty()).or(user);
            // One app (an incoming webhook's) may post under several names: each is an author.
            let overridden = message.username.as_deref().map(str::trim).filter(|n| !n.is_empty());
            match (id, shown) {
                (Some(id), _) if overridden.is_some() => (
                    format!("{id}:{}", overridden.unwrap_or_default()),
                    overridden.map(str::to_owned),
                ),
                (Some(id), shown) => (id.to_owned(), Some(shown.unwrap_or(id).to_owned())),
                (None, Some(shown)) => (format!("bot:{shown}"), Some(shown.to_owned())),
                (None, None) => ("bot".to_owned(), Some("bot".to_owned())),
            }
        }
        PostKind::User | PostKind::System => match user {
            Some(id) => (id.to_owned(), message.user_profile.as_ref().and_then(profile_name)),
            None => (SYSTEM_AUTHOR.to_owned(), Some(SYSTEM_AUTHOR.to_owned())),
        },
    }
}

/// [`person_name`] of a message's `user_profile`; `None` when it names no one.
fn profile_name(profile: &wire::UserProfile) -> Option<String> {
    let name = person_name(
        profile.display_name.as_deref(),
        profile.real_name.as_deref(),
        profile.name.as_deref().unwrap_or_default(),
    );
    (!name.is_empty()).then_some(name)
}

/// A user as a person, named by [`person_name`]: the profile's display name, else the real
/// name, else the username.
pub(crate) fn user(user: wire::User) -> ChatUser {
    let profile = user.profile.as_ref();
    let display_name = person_name(
        profile.and_then(|p| p.display_name.as_deref()),
        profile.and_then(|p| p.real_name.as_deref()).or(user.real_name.as_deref()),
        &user.name,
    );
    let display_name = if display_name.is_empty() { user.id.clone() } else { display_name };
    ChatUser { id: user.id, username: user.name, display_name, deleted: user.deleted }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn message(json: serde_json::Value) -> Message {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn kinds_follow_the_subtype_and_the_bot_fields() {
        let cases = [
            (serde_json::json!({"ts": "1.1", "user": "U1", "text": "hi"}), PostKind::User),
            (
                serde_json::json!({"ts": "1.1", "user": "U1", "subtype": "thread_broadcast"}),
                PostKind::User,
            ),
            (
                serde_json::json!({"ts": "1.1", "user": "U1", "subtype": "channel_join"}),
                PostKind::System,
            ),
            (
                serde_json::json!({"ts": "1.1", "user": "U1", "subtype": "pinned_item"}),
                PostKind::System,
            ),
            (
                serde_json::json!({"ts": "1.1", "subtype": "bot_message", "bot_id": "B1"}),
                PostKind::Bot,
            ),
            (
                serde_json::json!({"ts": "1.1", "user": "U9", "bot_id": "B1",
                                   "bot_profile": {"name": "deploy"}}),
                PostKind::Bot,
            ),
            (serde_json::json!({"ts": "1.1", "text": "from no one"}), PostKind::System),
        ];
        for (json, expected) in cases {
            assert_eq!(kind(&message(json.clone())), expected, "{json}");
        }
    }

    #[test]
    fn a_bot_is_named_as_it_posted_and_never_left_without_an_author() {
        let named = message(serde_json::json!({
            "ts": "1.1", "subtype": "bot_message", "bot_id": "B1", "username": "Jenkins",
            "bot_profile": {"name": "ci-app"}
        }));
        let p = post("C1", named, None).unwrap();
        assert_eq!(
            (p.author_id.as_str(), p.author_name.as_deref()),
            ("B1:Jenkins", Some("Jenkins"))
        );
        let app = message(serde_json::json!({
            "ts": "1.1", "subtype": "bot_message", "bot_id": "B2", "bot_profile": {"name": "ci-app"}
        }));
        let p = post("C1", app, None).unwrap();
        assert_eq!((p.author_id.as_str(), p.author_name.as_deref()), ("B2", Some("ci-app")));
        let bare = message(serde_json::json!({"ts": "1.1", "subtype": "bot_message"}));
        let p = post("C1", bare, None).unwrap();
        assert!(!p.author_id.is_empty() && p.author_name.is_some());
    }

    #[test]
    fn inline_profiles_and_looked_up_users_get_the_same_name() {
        let with_profile = message(serde_json::json!({
            "ts": "1.1", "user": "U1",
            "user_profile": {"display_name": "", "real_name": "Ada Lovelace", "name": "ada"}
        }));
        let from_message = post("C1", with_profile, None).unwrap().author_name;
        let looked_up: wire::User = serde_json::from_value(serde_json::json!({
            "id": "U1", "name": "ada", "real_name": "Ada Lovelace",
            "profile": {"display_name": "", "real_name": "Ada Lovelace"}
        }))
        .unwrap();
        assert_eq!(from_message.as_deref(), Some("Ada Lovelace"));
        assert_eq!(user(looked_up).display_name, "Ada Lovelace");
        let shown: wire::User = serde_json::from_value(serde_json::json!({
            "id": "U2", "name": "bob", "real_name": "Robert",
            "profile": {"display_name": "bobby", "real_name": "Robert"}
        }))
        .unwrap();
        assert_eq!(user(shown).display_name, "bobby");
    }
}
