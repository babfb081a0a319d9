//! The opaque texts of the post routes: a post's id and a page's cursor.
//!
//! A post's id is base64url (no padding) of its channel's 16 UUID bytes followed by the
//! provider's post id (UTF-8): the key of `chat_posts` itself, so finding a post is one
//! primary-key lookup, the id needs no column or index of its own, and it stays the same for
//! as long as the provider keeps its id. A page's cursor is base64url of
//! `<microseconds>:<provider post id>`. Clients pass both back unread.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use switchboard_domain::chat_posts::{PostCursor, PostKey};
use switchboard_domain::chat_sources::ChannelId;

use crate::envelope::FieldError;
use crate::error::ApiError;

/// A post's public id.
pub fn post_id(channel: ChannelId, external_id: &str) -> String {
    let mut bytes = Vec::with_capacity(16 + external_id.len());
    bytes.extend_from_slice(channel.as_uuid().as_bytes());
    bytes.extend_from_slice(external_id.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The post a public id names; one this API did not write is not found.
///
/// # Errors
/// [`ApiError::NotFound`].
pub fn parse_post_id(raw: &str) -> Result<PostKey, ApiError> {
    let not_found = || ApiError::NotFound("no such post".to_owned());
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| not_found())?;
    if bytes.len() <= 16 {
        return Err(not_found());
    }
    let (channel, external) = bytes.split_at(16);
    let channel = uuid::Uuid::from_slice(channel).map_err(|_| not_found())?;
    let external_id = String::from_utf8(external.to_vec()).map_err(|_| not_found())?;
    Ok(PostKey { channel: ChannelId::from_uuid(channel), external_id })
}

/// A page cursor's text.
pub fn cursor(cursor: &PostCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{}",
        cursor.posted_at.timestamp_micros(),
        cursor.external_id
    ))
}

/// A page cursor from the query (empty: the first page).
///
/// # Errors
/// [`ApiError::Validation`] on `cursor`.
pub fn parse_cursor(raw: Option<&str>) -> Result<Option<PostCursor>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(None) };
    let invalid = || {
        ApiError::Validation(vec![FieldError::new(
            "cursor",
            "invalid",
            "cursor is not one this API gave: pass `next_cursor` of the previous page",
        )])
    };
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?)
        .map_err(|_| invalid())?;
    let (micros, external_id) = text.split_once(':').ok_or_else(invalid)?;
    let posted_at =
        micros.parse().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(invalid)?;
    if external_id.is_empty() {
        return Err(invalid());
    }
    Ok(Some(PostCursor { posted_at, external_id: external_id.to_owned() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_ids_round_trip_and_others_are_not_found() {
        let channel = ChannelId::new();
        for external in ["1712345678.123456", "a:b/ç", "x"] {
            let id = post_id(channel, external);
            let key = parse_post_id(&id).unwrap_or_else(|e| panic!("{external}: {e:?}"));
            assert_eq!((key.channel, key.external_id.as_str()), (channel, external));
        }
        let short = URL_SAFE_NO_PAD.encode([0u8; 16]);
        let not_utf8 = URL_SAFE_NO_PAD.encode([[0u8; 16].as_slice(), &[0xff]].concat());
        for raw in ["", "!!", "nope", short.as_str(), not_utf8.as_str()] {
            assert!(matches!(parse_post_id(raw), Err(ApiError::NotFound(_))), "{raw}");
        }
    }

    #[test]
    fn cursors_round_trip_to_the_microsecond_and_others_name_the_parameter() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap_or_default();
        let c = PostCursor { posted_at: at, external_id: "1700000000.123456:x".into() };
        assert!(matches!(parse_cursor(Some(&cursor(&c))), Ok(Some(p)) if p == c));
        assert!(matches!(parse_cursor(Some("")), Ok(None)));
        for raw in ["x", "!!", &URL_SAFE_NO_PAD.encode("x:1"), &URL_SAFE_NO_PAD.encode("12:")] {
            match parse_cursor(Some(raw)) {
                Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "cursor"),
                other => panic!("{raw}: {other:?}"),
            }
        }
    }
}
