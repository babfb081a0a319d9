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

use crate::source::post;
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
    if hex.len() % 2 != 0 {
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
        ChatDelivery::Event(ChatEvent { event_id, team_id, channel_id, change })
    }))
}

fn missing(field: &str) -> DeliveryError {
    DeliveryError::Malformed(format!("missing field `{field}`"))
}
