//! What a provider pushes (Slack's Events API), once its signature is checked and its JSON
//! read by the provider's adapter: a URL check, or a change in a channel.

use serde::{Deserialize, Serialize};

use crate::chat::ChatPost;

/// The headers and body of one push, as received: the adapter checks the signature over the
/// exact bytes.
#[derive(Debug, Clone, Copy)]
pub struct SignedDelivery<'a> {
    /// When the provider sent it, as it says (Slack `X-Slack-Request-Timestamp`).
    pub timestamp: Option<&'a str>,
    /// Its signature (Slack `X-Slack-Signature`, `v0=` and a hex HMAC-SHA256).
    pub signature: Option<&'a str>,
    /// The body, byte for byte.
    pub body: &'a [u8],
}

/// One push, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChatDelivery {
    /// The provider checks the endpoint: answer with `challenge` (Slack `url_verification`).
    UrlVerification {
        /// What to answer.
        challenge: String,
    },
    /// Something happened in a channel.
    Event(Box<ChatEvent>),
    /// An event Switchboard does not use (another type or subtype): acknowledged, ignored.
    Ignored,
}

/// A change in one channel of one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatEvent {
    /// The provider's id of this event (Slack `event_id`), the same on each retry.
    pub event_id: String,
    /// The team (Slack workspace) it happened in.
    pub team_id: String,
    /// The provider's channel id.
    pub channel_id: String,
    /// What happened.
    pub change: ChatChange,
}

/// What happened to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChatChange {
    /// A post as it is now: new (a Slack `message` of any subtype but the notices about another
    /// message, such as `message_replied`) or edited
    /// (`message_changed`; a root deleted under its replies arrives so, as a tombstone).
    Posted(ChatPost),
    /// A post was deleted (Slack `message_deleted`).
    Deleted {
        /// The post's id.
        id: String,
    },
}
