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
        None | Some("thread_broadcast") => {
            let message: Message = serde_json::from_value(event).map_err(malformed)?;
            post(&channel_id, message, None).map(ChatChange::Posted)
        }
        Some("message_changed") => {
            let message = head.message.ok_or_else(|| missing("message"))?;
            post(&channel_id, message, None).map(ChatChange::Posted)
        }
        Some("message_deleted") => {
            let id = head.deleted_ts.ok_or_else(|| missing("deleted_ts"))?;
            Some(ChatChange::Deleted { id })
        }
        Some(_) => None,
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

        let joined =
            read(r#"{"type":"message","subtype":"channel_join","channel":"C1","ts":"1.0"}"#);
        assert_eq!(joined, ChatDelivery::Ignored);
        assert_eq!(read(r#"{"type":"reaction_added","user":"U1"}"#), ChatDelivery::Ignored);
        assert!(matches!(open_at("[1]", SECRET, now, now), Err(DeliveryError::Malformed(_))));
    }
}
