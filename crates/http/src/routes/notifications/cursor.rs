//! The listing's opaque cursor: base64url (no padding) of `<microseconds>:<id>` of the last
//! notification of a page. One this API did not write is a 422 naming the parameter.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use switchboard_domain::notifications::NotificationCursor;

use crate::envelope::FieldError;
use crate::error::ApiError;

/// The cursor's text.
pub fn encode(cursor: NotificationCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", cursor.created_at.timestamp_micros(), cursor.id))
}

/// The cursor in `raw`, if it is one this API wrote.
pub fn decode(raw: &str) -> Option<NotificationCursor> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(raw).ok()?).ok()?;
    let (micros, id) = text.split_once(':')?;
    Some(NotificationCursor {
        created_at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        id: id.parse().ok()?,
    })
}

/// A cursor from the query (absent or empty: the first page).
///
/// # Errors
/// [`ApiError::Validation`] naming `field`.
pub fn parse(field: &str, raw: Option<&str>) -> Result<Option<NotificationCursor>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(None) };
    decode(raw).map(Some).ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            field,
            "invalid",
            format!("{field} is not a cursor this API gave: pass `next_cursor` of a page"),
        )])
    })
}

#[cfg(test)]
mod tests {
    use switchboard_domain::notifications::NotificationId;

    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let at = DateTime::from_timestamp_micros(1_800_000_000_123_456).unwrap_or_default();
        let cursor = NotificationCursor { created_at: at, id: NotificationId::new() };
        assert_eq!(decode(&encode(cursor)), Some(cursor));
        for raw in ["x", "!!", &URL_SAFE_NO_PAD.encode("12:nope"), &URL_SAFE_NO_PAD.encode("x:1")] {
            assert!(parse("cursor", Some(raw)).is_err(), "{raw}");
        }
        assert!(matches!(parse("cursor", Some("")), Ok(None)));
    }
}
