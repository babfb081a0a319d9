//! Slack's Events API (<https://docs.slack.dev/apis/events-api/>), the sending side: once a
//! Request URL and a signing secret are set, each change made through the Rust API queues the
//! `event_callback` Slack would send (`message`, `message_changed`, `message_deleted`; a reply
//! is a `message` with `thread_ts`), and [`crate::RunningSandbox::deliver_slack_events`] posts
//! them, signed as Slack signs: `X-Slack-Signature: v0=` and the hex HMAC-SHA256 of
//! `v0:{X-Slack-Request-Timestamp}:{body}` keyed by the signing secret.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::render;
use crate::data::{Workspace, slack_ts};

/// Where events go, and what was queued or sent.
#[derive(Debug, Default)]
pub(crate) struct Events {
    /// The Request URL and the signing secret; `None`: nothing is queued.
    pub target: Option<(String, String)>,
    /// Bodies not delivered yet, oldest first.
    pub pending: Vec<Vec<u8>>,
    /// The last body delivered, to deliver again as a retry.
    pub last: Option<Vec<u8>>,
    /// Events made so far (their ids).
    pub count: u64,
}

/// What happened to a post, for its event.
pub(crate) enum Change<'a> {
    Posted,
    Edited { previous: &'a str },
    Deleted { previous: Value },
}

impl Events {
    /// Queues the event for the post at `index` of `channel` after `change`, at `at_us`.
    pub(crate) fn queue(
        &mut self,
        ws: &Workspace,
        channel: usize,
        index: usize,
        change: Change<'_>,
        at_us: i64,
    ) {
        if self.target.is_none() {
            return;
        }
        self.count += 1;
        let c = &ws.channels[channel];
        let message = serde_json::to_value(render::message(ws, c, index)).unwrap_or(Value::Null);
        let now = slack_ts(at_us);
        let event = match change {
            Change::Posted => {
                let mut event = message;
                event["channel"] = json!(c.id);
                event["event_ts"] = json!(now);
                event["channel_type"] = json!(if c.private { "group" } else { "channel" });
                event
            }
            Change::Edited { previous } => {
                let mut before = message.clone();
                before["text"] = json!(previous);
                json!({
                    "type": "message", "subtype": "message_changed", "hidden": true,
                    "channel": c.id, "ts": now, "event_ts": now,
                    "channel_type": if c.private { "group" } else { "channel" },
                    "message": message, "previous_message": before,
                })
            }
            Change::Deleted { previous } => json!({
                "type": "message", "subtype": "message_deleted", "hidden": true,
                "channel": c.id, "ts": now, "event_ts": now,
                "deleted_ts": previous["ts"].clone(),
                "channel_type": if c.private { "group" } else { "channel" },
                "previous_message": previous,
            }),
        };
        let envelope = json!({
            "token": "sandbox-verification-token",
            "team_id": ws.team_id,
            "api_app_id": "A0SANDBOX01",
            "event": event,
            "type": "event_callback",
            "event_id": format!("Ev{:010}", self.count),
            "event_time": at_us / 1_000_000,
            "authorizations": [{"team_id": ws.team_id, "user_id": ws.users[ws.me].id, "is_bot": false}],
        });
        self.pending.push(envelope.to_string().into_bytes());
    }
}

/// Slack's signature of `body` sent at `timestamp` (seconds), with `secret`.
pub(crate) fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    let mut hex = String::from("v0=");
    for byte in mac.finalize().into_bytes() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}
