//! Channel analytics, with the original backend's routes and shapes. A channel that is not
//! the caller's (another user's, unknown, or a malformed id) is a 404 on every route.

pub mod channel_pulse;
pub mod hot_topics;
pub mod most_active;
pub mod pulse;
pub mod representative;
pub mod representative_since;
pub mod summary;
pub mod summary_since;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use switchboard_domain::analytics::PulsePoint;
use switchboard_domain::chat_stats::Quote;

use crate::envelope::FieldError;
use crate::error::ApiError;
use crate::proto::v1;
use crate::routes::convert::time;

/// A pulse as the contract shows it.
pub fn pulse_points(points: &[PulsePoint]) -> Vec<v1::PulsePoint> {
    points.iter().map(|p| v1::PulsePoint { rate: p.rate, time: time(p.time) }).collect()
}

/// Representative messages as the contract shows them.
pub fn messages(quotes: Vec<Quote>) -> v1::RepresentativeMessages {
    let messages = quotes
        .into_iter()
        .map(|q| v1::RepresentativeMessage { username: q.username, message: q.message })
        .collect();
    v1::RepresentativeMessages { messages }
}

fn invalid_time(code: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new("time", code, message)])
}

/// The `time` of a stats request: ISO 8601 with an offset (RFC 3339), or without one (taken
/// as UTC), or a date (its midnight, UTC).
///
/// # Errors
/// [`ApiError::Validation`] on `time`: `required` when empty, `invalid` when unreadable.
pub fn since(raw: &str) -> Result<DateTime<Utc>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid_time("required", "time is required (ISO 8601)"));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(t.and_utc());
        }
    }
    if let Some(t) =
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(t.and_utc());
    }
    Err(invalid_time("invalid", "time must be ISO 8601, for example 2024-05-01T09:00:00Z"))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use chrono::TimeZone;

    use super::*;

    #[test]
    fn reads_iso_8601_forms_and_refuses_the_rest_naming_time() {
        let nine = Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap();
        for raw in [
            "2024-05-01T09:00:00Z",
            "2024-05-01T11:00:00+02:00",
            "2024-05-01T09:00:00.000",
            "2024-05-01 09:00:00",
            "2024-05-01T09:00",
        ] {
            assert_eq!(since(raw).unwrap(), nine, "{raw}");
        }
        assert_eq!(since("2024-05-01").unwrap(), nine - chrono::TimeDelta::hours(9));
        for raw in ["", "yesterday", "2024-13-01", "1714554000"] {
            let Err(ApiError::Validation(errors)) = since(raw) else { panic!("{raw}") };
            assert_eq!(errors[0].field, "time");
        }
    }
}
