//! Slack's Events API (<https://docs.slack.dev/apis/events-api/>): the request signature
//! (<https://docs.slack.dev/authentication/verifying-requests-from-slack>) and the envelope.
//!
//! A request is Slack's when `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, keyed by
//! the app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{body}`, compared in
//! constant time; and fresh when that timestamp is within five minutes of now, so a captured
//! request cannot be replayed later.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::Sha256;
use switchboard_domain::chat_events::{ChatChange, ChatDelivery, ChatEvent, SignedDelivery};
use switchboard_ports::DeliveryError;

use crate::map::post;
use crate::wire::Message;

/// How far a request's timestamp may be from now, in seconds (Slack's advice).
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// Checks a delivery's signature with `secret` and its freshness at `now`, then reads it.
///
/// # Errors
/// [`DeliveryError::Unsigned`], [`DeliveryError::BadSignature`], [`DeliveryError::Stale`],
/// [`DeliveryError::Malformed`].
pub fn open(
    secret: &SecretString,
    delivery: SignedDelivery<'_>,
    now: DateTime<Utc>,
) -> Result<ChatDelivery, DeliveryError> {
    verify(secret, delivery, now)?;
    read(delivery.body)
}

/// `v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}`: how Slack signs (and how the
/// sandbox signs what it delivers).
pub fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = mac(secret.as_bytes(), timestamp, body).finalize().into_bytes();
    let mut hex = String::with_capacity(3 + 64);
    hex.push_str("v0=");
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

fn unreachable_mac() -> Hmac<Sha256> {
    // HMAC takes keys of any length: this is never reached.
    <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default())
}

fn mac(key: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable_mac());
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

fn verify(
    secret: &SecretString,
    delivery: SignedDelivery<'_>,
    now: DateTime<Utc>,
) -> Result<(), DeliveryError> {
    let timestamp = delivery.timestamp.ok_or(DeliveryError::Unsigned)?.trim();
    let signature = delivery.signature.ok_or(DeliveryError::Unsigned)?.trim();
    let hex = signature.strip_prefix("v0=").ok_or(DeliveryError::BadSignature)?;
    let expected = decode_hex(hex).ok_or(DeliveryError::BadSignature)?;
    let mac = mac(secret.expose_secret().as_bytes(), timestamp, delivery.body);
    mac.verify_slice(&expected).map_err(|_| DeliveryError::BadSignature)?;
    let sent: i64 = timestamp.parse().map_err(|_| DeliveryError::Stale)?;
    if now.timestamp().abs_diff(sent) > TOLERANCE_SECS.unsigned_abs() {
        return Err(DeliveryError::Stale);
    }
    Ok(())
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

/// The outer envelope.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
enum Envelope {
    #[serde(rename = "url_verification")]
    UrlVerification { challenge: String },
    #[serde(rename = "event_callback")]
    EventCallback { team_id: String, event_id: String, event: serde_json::Value },
    #[serde(other)]
    Other,
}

/// The `message` event's fields Switchboard reads.
#[derive(Debug, Deserialize)]
struct MessageEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    deleted_ts: Option<String>,
    /// Slack's mark on a record that is no message to show (an edit, a deletion, a thread's
    /// new reply count).
    #[serde(default)]
    hidden: bool,
    #[serde(default)]
    message: Option<Message>,
}

fn read(body: &[u8]) -> Result<ChatDelivery, DeliveryError> {
    let malformed = |e: serde_json::Error| DeliveryError::Malformed(e.to_string());
    let envelope: Envelope = serde_json::from_slice(body).map_err(malformed)?;
    let (team_id, event_id, event) = match envelope {
        Envelope::UrlVerification { challenge } => {
            return Ok(ChatDelivery::UrlVerification { challenge });
        }
        Envelope::Other => return Ok(ChatDelivery::Ignored),
        Envelope::EventCallback { team_id, event_id, event } => (team_id, event_id, event),
    };
    let head: MessageEvent = serde_json::from_value(event.clone()).map_err(malformed)?;
    let Some(channel_id) = head.channel.filter(|_| head.kind == "message") else {
        return Ok(ChatDelivery::Ignored);
    };
    let change = match head.subtype.as_deref() {
        Some("message_changed") => {
            let message = head.message.ok_or_else(|| missing("message"))?;
            post(&channel_id, message, None).map(ChatChange::Posted)
        }
        Some("message_deleted") => {
            let id = head.deleted_ts.ok_or_else(|| missing("deleted_ts"))?;
            Some(ChatChange::Deleted { id })
        }
        // Notices about another message, never in a channel's history: `message_replied`
        // tells a thread's parent got a reply (the reply comes as its own event), and is
        // sometimes sent without its subtype, still `hidden`.
        Some("message_replied") => None,
        _ if head.hidden => None,
        // Any other subtype is a message of the channel's history (a person's, `file_share`,
        // `me_message`, `thread_broadcast`; a bot's; a notice such as `channel_join`): the
        // post a sync would store, by the same mapping.
        _ => {
            let message: Message = serde_json::from_value(event).map_err(malformed)?;
            post(&channel_id, message, None).map(ChatChange::Posted)
        }
    };
    Ok(change.map_or(ChatDelivery::Ignored, |change| {
        ChatDelivery::Event(Box::new(ChatEvent { event_id, team_id, channel_id, change }))
    }))
}

fn missing(field: &str) -> DeliveryError {
    DeliveryError::Malformed(format!("missing field `{field}`"))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use chrono::TimeZone;
    use serde_json::json;
    use switchboard_domain::chat::{ChatPost, PostKind};

    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    fn open_at(
        body: &str,
        signed_with: &str,
        sent: i64,
        now: i64,
    ) -> Result<ChatDelivery, DeliveryError> {
        let timestamp = sent.to_string();
        let signature = signature(signed_with, &timestamp, body.as_bytes());
        let delivery = SignedDelivery {
            timestamp: Some(&timestamp),
            signature: Some(&signature),
            body: body.as_bytes(),
        };
        open(&SecretString::from(SECRET), delivery, at(now))
    }

    fn event(event: &str) -> String {
        format!(r#"{{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{event}}}"#)
    }

    #[test]
    fn slacks_documented_example_signature_is_reproduced() {
        // https://docs.slack.dev/authentication/verifying-requests-from-slack
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        assert_eq!(
            signature(SECRET, "1531420618", body.as_bytes()),
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        );
    }

    #[test]
    fn a_wrong_secret_a_stale_or_missing_timestamp_are_refused() {
        let body = r#"{"type":"url_verification","challenge":"c"}"#;
        let ok = open_at(body, SECRET, 1_000_000, 1_000_000 + 299);
        assert_eq!(ok, Ok(ChatDelivery::UrlVerification { challenge: "c".into() }));
        assert_eq!(open_at(body, "other", 1_000_000, 1_000_000), Err(DeliveryError::BadSignature));
        assert_eq!(open_at(body, SECRET, 1_000_000, 1_000_000 + 301), Err(DeliveryError::Stale));
        assert_eq!(open_at(body, SECRET, 1_000_000 + 301, 1_000_000), Err(DeliveryError::Stale));
        let unsigned = SignedDelivery { timestamp: Some("1"), signature: None, body: b"{}" };
        let secret = SecretString::from(SECRET);
        assert_eq!(open(&secret, unsigned, at(1)), Err(DeliveryError::Unsigned));
        let tampered =
            SignedDelivery { timestamp: Some("1"), signature: Some("v0=zz"), body: b"{}" };
        assert_eq!(open(&secret, tampered, at(1)), Err(DeliveryError::BadSignature));
    }

    #[test]
    fn message_events_become_posts_and_deletions() {
        let now = 1_700_000_000;
        let read = |e: &str| open_at(&event(e), SECRET, now, now).unwrap();
        let ChatDelivery::Event(new) = read(
            r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1700000000.000100"}"#,
        ) else {
            panic!("not an event")
        };
        assert_eq!((new.team_id.as_str(), new.channel_id.as_str()), ("T1", "C1"));
        let ChatChange::Posted(post) = new.change else { panic!("not a post") };
        assert_eq!((post.text.as_str(), post.thread_root), ("hi", None));

        let broadcast = read(
            r#"{"type":"message","subtype":"thread_broadcast","channel":"C1","user":"U1","text":"also","ts":"1700000000.000300","thread_ts":"1700000000.000100"}"#,
        );
        let ChatDelivery::Event(event) = broadcast else { panic!("not an event") };
        let ChatChange::Posted(post) = event.change else { panic!("not a post") };
        assert_eq!(post.thread_root.as_deref(), Some("1700000000.000100"));

        let changed = read(
            r#"{"type":"message","subtype":"message_changed","channel":"C1","ts":"1700000001.000000","message":{"type":"message","user":"U1","text":"edited","ts":"1700000000.000200","thread_ts":"1700000000.000100","edited":{"user":"U1","ts":"1700000001.000000"}}}"#,
        );
        let ChatDelivery::Event(event) = changed else { panic!("not an event") };
        let ChatChange::Posted(post) = event.change else { panic!("not a post") };
        assert_eq!(post.id, "1700000000.000200");
        assert_eq!(post.text, "edited");
        assert!(post.edited_at.is_some());
        assert_eq!(post.thread_root.as_deref(), Some("1700000000.000100"));

        let deleted = read(
            r#"{"type":"message","subtype":"message_deleted","channel":"C1","ts":"1700000002.000000","deleted_ts":"1700000000.000200"}"#,
        );
        let ChatDelivery::Event(event) = deleted else { panic!("not an event") };
        assert_eq!(event.change, ChatChange::Deleted { id: "1700000000.000200".into() });

        assert_eq!(read(r#"{"type":"reaction_added","user":"U1"}"#), ChatDelivery::Ignored);
        assert!(matches!(open_at("[1]", SECRET, now, now), Err(DeliveryError::Malformed(_))));
    }

    /// What `read` makes of `event`: the post, or `None` when it is ignored.
    fn posted(event: &serde_json::Value) -> Option<ChatPost> {
        let now = 1_700_000_000;
        match open_at(&self::event(&event.to_string()), SECRET, now, now).unwrap() {
            ChatDelivery::Event(event) => match event.change {
                ChatChange::Posted(post) => Some(post),
                ChatChange::Deleted { .. } => panic!("a deletion"),
            },
            ChatDelivery::Ignored => None,
            ChatDelivery::UrlVerification { .. } => panic!("a verification"),
        }
    }

    #[test]
    fn every_message_subtype_is_the_post_a_sync_reads_from_history() {
        // Slack's documented examples (docs.slack.dev/reference/events/message/<subtype>).
        let events = [
            json!({"type": "message", "subtype": "file_share", "channel": "C1", "user": "U1",
                   "text": "<@U1> uploaded a file: <https://x.io/7.png|7.png> R&amp;D",
                   "files": [{"id": "F1"}], "upload": true, "ts": "1700000000.000100"}),
            json!({"type": "message", "subtype": "me_message", "channel": "C1", "user": "U1",
                   "text": "is doing that thing", "ts": "1700000000.000200"}),
            json!({"type": "message", "subtype": "bot_message", "channel": "C1",
                   "text": "Pushing is the answer", "bot_id": "BB12033", "username": "github",
                   "icons": {}, "ts": "1700000000.000300"}),
            json!({"type": "message", "subtype": "channel_join", "channel": "C1", "user": "U1",
                   "text": "<@U1> has joined the channel", "inviter": "U2",
                   "ts": "1700000000.000400"}),
            json!({"type": "message", "subtype": "channel_leave", "channel": "C1", "user": "U1",
                   "text": "<@U1> has left the channel", "ts": "1700000000.000500"}),
            json!({"type": "message", "subtype": "channel_topic", "channel": "C1", "user": "U1",
                   "topic": "a &lt;b&gt;", "text": "<@U1> set the channel topic: a &lt;b&gt;",
                   "ts": "1700000000.000600"}),
            json!({"type": "message", "subtype": "channel_purpose", "channel": "C1",
                   "user": "U1", "purpose": "whatever",
                   "text": "<@U1> set the channel purpose: whatever", "ts": "1700000000.000700"}),
            json!({"type": "message", "subtype": "channel_name", "channel": "C1", "user": "U1",
                   "old_name": "random", "name": "watercooler",
                   "text": "<@U1> has renamed the channel from \"random\" to \"watercooler\"",
                   "ts": "1700000000.000800"}),
            json!({"type": "message", "subtype": "channel_archive", "channel": "C1",
                   "user": "U1", "text": "<@U1> archived the channel", "members": ["U1"],
                   "ts": "1700000000.000900"}),
        ];
        let kinds = [
            PostKind::User,
            PostKind::User,
            PostKind::Bot,
            PostKind::System,
            PostKind::System,
            PostKind::System,
            PostKind::System,
            PostKind::System,
            PostKind::System,
        ];
        for (event, kind) in events.iter().zip(kinds) {
            let post = posted(event).unwrap_or_else(|| panic!("ignored: {event}"));
            // The same JSON read from conversations.history.
            let message: Message = serde_json::from_value(event.clone()).unwrap();
            assert_eq!(Some(&post), crate::map::post("C1", message, None).as_ref(), "{event}");
            assert_eq!(post.kind, kind, "{event}");
            assert!(!post.text.contains("&amp;") && !post.text.contains("&lt;"), "{event}");
        }
        let file = posted(&events[0]).unwrap();
        assert_eq!((file.author_id.as_str(), file.kind), ("U1", PostKind::User));
        assert!(file.text.ends_with("<https://x.io/7.png|7.png> R&D"), "{}", file.text);
        let bot = posted(&events[2]).unwrap();
        assert_eq!(
            (bot.author_id.as_str(), bot.author_name.as_deref()),
            ("BB12033:github", Some("github"))
        );
        assert_eq!(posted(&events[5]).unwrap().text, "<@U1> set the channel topic: a <b>");
    }

    #[test]
    fn notices_about_another_message_are_ignored() {
        let replied = json!({"type": "message", "subtype": "message_replied", "hidden": true,
            "channel": "C1", "event_ts": "1483037604.017506", "ts": "1483037604.017506",
            "message": {"type": "message", "user": "U1", "text": "parent",
                        "thread_ts": "1482960137.003543", "reply_count": 1,
                        "replies": [{"user": "U2", "ts": "1483037603.017503"}],
                        "ts": "1482960137.003543"}});
        assert_eq!(posted(&replied), None);
        // Slack's documented bug: the same event without its subtype.
        let mut unmarked = replied;
        unmarked.as_object_mut().unwrap().remove("subtype");
        assert_eq!(posted(&unmarked), None);
    }
}
