//! Content negotiation: which encoding a client accepts (`Accept`) or sends (`Content-Type`).

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};

/// The media type of Protobuf bodies.
pub const PROTOBUF: &str = "application/x-protobuf";
/// The media type of JSON bodies.
pub const JSON: &str = "application/json";

/// A wire encoding of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// `application/json`, the default.
    Json,
    /// `application/x-protobuf` (`application/protobuf` is taken as a synonym).
    Protobuf,
}

impl Encoding {
    /// The media type to put in `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            Encoding::Json => JSON,
            Encoding::Protobuf => PROTOBUF,
        }
    }

    fn from_media_type(media: &str) -> Option<Self> {
        match media {
            "application/json" | "application/*" | "*/*" => Some(Encoding::Json),
            "application/x-protobuf" | "application/protobuf" => Some(Encoding::Protobuf),
            _ => None,
        }
    }

    /// The encoding of a request's answer: the one the envelope middleware negotiated (it
    /// refused unacceptable requests with 406 before the handler ran); without the middleware,
    /// negotiated here, JSON as the fallback.
    pub(crate) fn negotiated(req: &HttpRequest) -> Self {
        let negotiated = req.extensions().get::<Encoding>().copied();
        negotiated.unwrap_or_else(|| Encoding::accepted(req).unwrap_or(Encoding::Json))
    }

    /// The encoding the client accepts best, from `Accept` with its quality values. No header
    /// (or an empty one) means JSON; `None` means nothing we can produce is acceptable (406).
    pub fn accepted(req: &HttpRequest) -> Option<Self> {
        let Some(value) = req.headers().get(header::ACCEPT) else {
            return Some(Encoding::Json);
        };
        let Ok(value) = value.to_str() else { return None };
        if value.trim().is_empty() {
            return Some(Encoding::Json);
        }
        let mut best: Option<(f32, Encoding)> = None;
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            if let Some(encoding) = Self::from_media_type(&media)
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, encoding));
            }
        }
        best.map(|(_, encoding)| encoding)
    }

    /// The encoding of a request body, from `Content-Type`; `None` when it is missing or not
    /// one we read (415).
    pub fn of_body(req: &HttpRequest) -> Option<Self> {
        let value = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
        let media = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match media.as_str() {
            "application/json" => Some(Encoding::Json),
            "application/x-protobuf" | "application/protobuf" => Some(Encoding::Protobuf),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn accept(value: &str) -> Option<Encoding> {
        Encoding::accepted(
            &TestRequest::default().insert_header(("Accept", value)).to_http_request(),
        )
    }

    #[test]
    fn no_accept_header_means_json() {
        assert_eq!(
            Encoding::accepted(&TestRequest::default().to_http_request()),
            Some(Encoding::Json)
        );
    }

    #[test]
    fn picks_the_highest_quality_supported_type() {
        assert_eq!(accept("application/x-protobuf"), Some(Encoding::Protobuf));
        assert_eq!(
            accept("application/json;q=0.5, application/x-protobuf"),
            Some(Encoding::Protobuf)
        );
        assert_eq!(accept("application/x-protobuf;q=0.2, application/json"), Some(Encoding::Json));
        assert_eq!(accept("text/html, */*;q=0.8"), Some(Encoding::Json));
    }

    #[test]
    fn refuses_what_it_cannot_produce() {
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
        assert_eq!(accept("application/xml, text/csv"), None);
    }
}
