//! Opaque cursors, base64 like Slack's (`bmV4dF90czoxNTEy...` is `next_ts:1512...`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Encodes `kind:value`.
pub(crate) fn encode(kind: &str, value: &str) -> String {
    STANDARD.encode(format!("{kind}:{value}"))
}

/// Decodes a cursor of `kind`; `None` for anything else (Slack: `invalid_cursor`).
pub(crate) fn decode(kind: &str, cursor: &str) -> Option<String> {
    let bytes = STANDARD.decode(cursor.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(kind)?.strip_prefix(':').map(str::to_owned)
}

/// A `next_ts` cursor: the position (microseconds) of the next message to return.
pub(crate) fn encode_ts(us: i64) -> String {
    encode("next_ts", &us.to_string())
}

pub(crate) fn decode_ts(cursor: &str) -> Option<i64> {
    decode("next_ts", cursor)?.parse().ok()
}
