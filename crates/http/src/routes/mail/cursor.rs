//! Opaque page cursors: a message page's `(received_at, id)` and a thread page's
//! `(latest_at, thread_key)`, as base64url (no padding) of `<microseconds>:<key>`. Clients pass
//! them back unread; one this API did not write is a 422 on `cursor`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use switchboard_domain::mail::{MessageCursor, ThreadCursor};

use crate::envelope::FieldError;
use crate::error::ApiError;

fn encode(at: DateTime<Utc>, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{key}", at.timestamp_micros()))
}

fn decode(raw: &str) -> Option<(DateTime<Utc>, String)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
    let (micros, key) = text.split_once(':')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some((at, key.to_owned()))
}

fn invalid() -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        "cursor",
        "invalid",
        "cursor is not one this API gave: pass `next_cursor` of the previous page",
    )])
}

/// The message page cursor's text.
pub fn message(cursor: MessageCursor) -> String {
    encode(cursor.received_at, &cursor.id.to_string())
}

/// The thread page cursor's text.
pub fn thread(cursor: &ThreadCursor) -> String {
    encode(cursor.latest_at, &cursor.thread_key)
}

/// A message page cursor from the query (empty: the first page).
///
/// # Errors
/// [`ApiError::Validation`] on `cursor`.
pub fn parse_message(raw: Option<&str>) -> Result<Option<MessageCursor>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(None) };
    let (received_at, id) = decode(raw).ok_or_else(invalid)?;
    let id = id.parse().map_err(|_| invalid())?;
    Ok(Some(MessageCursor { received_at, id }))
}

/// A thread page cursor from the query (empty: the first page).
///
/// # Errors
/// [`ApiError::Validation`] on `cursor`.
pub fn parse_thread(raw: Option<&str>) -> Result<Option<ThreadCursor>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(None) };
    let (latest_at, thread_key) = decode(raw).ok_or_else(invalid)?;
    if thread_key.is_empty() {
        return Err(invalid());
    }
    Ok(Some(ThreadCursor { latest_at, thread_key }))
}

#[cfg(test)]
mod tests {
    use switchboard_domain::mail::MailMessageId;

    use super::*;

    #[test]
    fn cursors_round_trip_to_the_microsecond() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap_or_default();
        let cursor = MessageCursor { received_at: at, id: MailMessageId::new() };
        assert!(matches!(parse_message(Some(&message(cursor))), Ok(Some(c)) if c == cursor));
        let thread_cursor = ThreadCursor { latest_at: at, thread_key: "AAQk:x=".into() };
        let parsed = parse_thread(Some(&thread(&thread_cursor)));
        assert!(matches!(parsed, Ok(Some(c)) if c == thread_cursor));
    }

    #[test]
    fn a_cursor_this_api_did_not_write_names_the_parameter() {
        for raw in
            ["x", "!!", &URL_SAFE_NO_PAD.encode("12:not-a-uuid"), &URL_SAFE_NO_PAD.encode("x:1")]
        {
            match parse_message(Some(raw)) {
                Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "cursor"),
                other => panic!("{raw}: {other:?}"),
            }
        }
        assert!(matches!(parse_message(Some("")), Ok(None)));
    }
}
